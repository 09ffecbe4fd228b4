/** `connectRooms`: the user's rooms, newest first, each with its members and pinned messages, to the asking socket only. */
import { expect, it } from 'vitest';
import type { Room } from '../../generated/teamchat/types.js';
import { nextEvent, waitFor } from '../helpers/net.js';
import { describeEachBackend } from '../storage/backends.js';
import { received, useTeamchat } from './harness.js';

describeEachBackend('teamchat connectRooms', (backend) => {
  const t = useTeamchat(backend);

  async function roomsOf(user: string): Promise<Room[]> {
    const client = await t.connect(user);
    const rooms = nextEvent<Room[]>(client.socket, 'connectRooms');
    client.connectRooms({ user_id: user });
    return rooms;
  }

  it('lists groups and peer-to-peer rooms, newest first, with their members, creator and pinned messages', async () => {
    const [ada, grace, alan] = [t.user('ada'), t.user('grace'), t.user('alan')];
    const older = await t.group(ada, [grace, alan], 'Engines');
    const created = Date.now();
    await waitFor(() => Date.now() > created, 'the clock to move on'); // creation times to the millisecond
    const core = t.server().core;
    const users = await core.ensureUsers('teamchat', [ada, grace]);
    const direct = await core.openDirect(users.get(ada)!.id, users.get(grace)!.id, { create: true });
    const first = await core.storeMessage({ conversationId: older, senderId: users.get(ada)!.id, text: 'first' });
    const second = await core.storeMessage({ conversationId: older, senderId: users.get(grace)!.id, text: 'second' });
    await core.pinMessage({ userId: users.get(grace)!.id, messageId: second.message.id, pinned: true });
    const pinned = Date.now();
    await waitFor(() => Date.now() > pinned, 'the clock to move on'); // pin times to the millisecond
    await core.pinMessage({ userId: users.get(ada)!.id, messageId: first.message.id, pinned: true });

    const rooms = await roomsOf(ada);
    expect(rooms.map((r) => r._id)).toEqual([direct.conversation.id, older]);
    expect(rooms[0]).toEqual({
      _id: direct.conversation.id,
      type: 'peer-to-peer',
      recipients: expect.arrayContaining([ada, grace]),
      pinned_messages: [],
      dateCreated: direct.conversation.createdAt.toISOString(),
    });
    expect(rooms[0]!.recipients).toHaveLength(2);
    expect(rooms[1]).toMatchObject({
      _id: older,
      type: 'group-chat',
      room_name: 'Engines',
      creator_id: ada,
      // oldest pin first
      pinned_messages: [second.message.id, first.message.id],
    });
    expect(rooms[1]!.recipients[0]).toBe(ada);
    expect([...rooms[1]!.recipients].sort()).toEqual([ada, grace, alan].sort());
  });

  it("lists only the user's own rooms", async () => {
    const [ada, grace, mallory] = [t.user('ada'), t.user('grace'), t.user('mallory')];
    await t.group(ada, [grace]);
    expect(await roomsOf(mallory)).toEqual([]);
  });

  it("answers the asking socket only, not the user's other sockets", async () => {
    const ada = t.user('ada');
    await t.group(ada, [t.user('grace')]);
    const tab1 = await t.connect(ada);
    const tab2 = await t.connect(ada);
    const rooms = nextEvent(tab1.socket, 'connectRooms');
    tab1.connectRooms({ user_id: ada });
    await rooms;
    // A later event to tab2 proves it has processed everything sent before.
    const room = await t.group(ada, [t.user('alan')]);
    tab2.typing({ room_id: room, message: 'typing' });
    await waitFor(() => received(tab2, 'typing').length === 1, 'typing on tab2');
    expect(received(tab2, 'connectRooms')).toEqual([]);
  });

  it('refreshes the list when sent again (a room created since)', async () => {
    const [ada, grace] = [t.user('ada'), t.user('grace')];
    const client = await t.connect(ada);
    const first = nextEvent<Room[]>(client.socket, 'connectRooms');
    client.connectRooms({ user_id: ada });
    expect(await first).toEqual([]);
    const room = await t.group(grace, [ada]);
    const second = nextEvent<Room[]>(client.socket, 'connectRooms');
    client.connectRooms({ user_id: ada });
    expect((await second).map((r) => r._id)).toEqual([room]);
  });
});
