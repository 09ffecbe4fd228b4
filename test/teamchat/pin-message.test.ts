/**
 * `pinMessage`: any member pins or unpins; every member is told; the pinned state is stored and
 * listed with the room (`pinned_messages`, oldest pin first); non-members are refused.
 */
import { expect, it } from 'vitest';
import type { Message, MessagePinned, Room } from '../../generated/teamchat/types.js';
import { nextEvent, waitFor } from '../helpers/net.js';
import { describeEachBackend } from '../storage/backends.js';
import { nextError, received, useTeamchat, type Client } from './harness.js';

describeEachBackend('teamchat pinMessage', (backend) => {
  const t = useTeamchat(backend);

  async function pinnedOf(client: Client, user: string, room: string): Promise<string[]> {
    const rooms = nextEvent<Room[]>(client.socket, 'connectRooms');
    client.connectRooms({ user_id: user });
    return (await rooms).find((r) => r._id === room)!.pinned_messages;
  }

  async function setup() {
    const [ada, grace] = [t.user('ada'), t.user('grace')];
    const room = await t.group(ada, [grace]);
    const [adaClient, graceClient] = await Promise.all([t.connect(ada), t.connect(grace)]);
    for (const text of ['one', 'two']) adaClient.sendMessage({ room_id: room, sender_id: ada, message: text });
    await waitFor(() => received(graceClient, 'message').length === 2, 'two messages');
    const [one, two] = received(graceClient, 'message') as Message[];
    return { ada, grace, room, adaClient, graceClient, one: one!, two: two! };
  }

  it('lets any member pin, tells every member, and lists the pins with the room, oldest first', async () => {
    const { ada, grace, room, adaClient, graceClient, one, two } = await setup();
    const pins = (client: Client) => received(client, 'pin message') as MessagePinned[];
    graceClient.pinMessage({ _id: two._id, room_id: room, pin_message: true });
    await waitFor(() => pins(adaClient).length === 1 && pins(graceClient).length === 1, 'the first pin, at both');
    expect(pins(adaClient)).toEqual([{ _id: two._id, room_id: room, pin_message: true, user_id: grace }]);
    adaClient.pinMessage({ _id: one._id, room_id: room, pin_message: true });
    await waitFor(() => pins(graceClient).length === 2, 'the second pin');
    expect(await pinnedOf(adaClient, ada, room)).toEqual([two._id, one._id]);

    adaClient.pinMessage({ _id: two._id, room_id: room, pin_message: false });
    await waitFor(() => pins(graceClient).length === 3, 'the unpin');
    expect(pins(graceClient)[2]).toEqual({ _id: two._id, room_id: room, pin_message: false, user_id: ada });
    expect(await pinnedOf(graceClient, grace, room)).toEqual([one._id]);
  });

  it('announces pinning a pinned message, and keeps its place', async () => {
    const { ada, room, adaClient, one, two } = await setup();
    for (const id of [one._id, two._id, one._id]) adaClient.pinMessage({ _id: id, room_id: room, pin_message: true });
    await waitFor(() => received(adaClient, 'pin message').length === 3, 'three announcements');
    expect(await pinnedOf(adaClient, ada, room)).toEqual([one._id, two._id]);
  });

  it('drops a deleted message from the pinned list', async () => {
    const { ada, room, adaClient, one } = await setup();
    adaClient.pinMessage({ _id: one._id, room_id: room, pin_message: true });
    adaClient.deleteMessage({ message_id: one._id, user_id: ada, room_id: room });
    await waitFor(() => received(adaClient, 'delete').length === 1, 'the deletion');
    expect(await pinnedOf(adaClient, ada, room)).toEqual([]);
  });

  it('refuses a non-member with 403 and pins nothing', async () => {
    const { ada, room, adaClient, one } = await setup();
    const mallory = await t.connect(t.user('mallory'));
    const error = nextError(mallory);
    mallory.pinMessage({ _id: one._id, room_id: room, pin_message: true });
    expect(await error).toMatchObject({ event: 'pinMessage', statusCode: 403, field: 'room_id' });
    expect(await pinnedOf(adaClient, ada, room)).toEqual([]);
    expect(received(adaClient, 'pin message')).toEqual([]);
  });

  it('refuses a message of another room with 404 naming _id', async () => {
    const { ada, adaClient, one } = await setup();
    const other = await t.group(ada, [t.user('alan')]);
    const error = nextError(adaClient);
    adaClient.pinMessage({ _id: one._id, room_id: other, pin_message: true });
    expect(await error).toMatchObject({ event: 'pinMessage', statusCode: 404, field: '_id' });
  });

  it('refuses a 101st pin: a room lists at most 100', async () => {
    const { ada, room, adaClient } = await setup();
    const core = t.server().core;
    const adaId = (await core.findUser('teamchat', ada))!.id;
    for (let i = 0; i < 101; i++) {
      const { message } = await core.storeMessage({ conversationId: room, senderId: adaId, text: `m${i}` });
      if (i < 100) await core.pinMessage({ userId: adaId, messageId: message.id, pinned: true });
      else {
        const error = nextError(adaClient);
        adaClient.pinMessage({ _id: message.id, room_id: room, pin_message: true });
        expect(await error).toMatchObject({ event: 'pinMessage', statusCode: 400, field: '_id' });
      }
    }
    expect(await pinnedOf(adaClient, ada, room)).toHaveLength(100);
  });
});
