/** Restart: rooms, messages, edits, pins and read state survive; clients carry on where they were. */
import { expect, it } from 'vitest';
import type { Message, Room } from '../../generated/teamchat/types.js';
import { nextEvent, waitFor } from '../helpers/net.js';
import { describeEachBackend } from '../storage/backends.js';
import { received, useTeamchat } from './harness.js';

describeEachBackend('teamchat across a restart', (backend) => {
  const t = useTeamchat(backend);

  it('keeps rooms, messages, pins, edits and read state', async () => {
    const [ada, grace] = [t.user('ada'), t.user('grace')];
    let [adaClient, graceClient] = await Promise.all([t.connect(ada), t.connect(grace)]);
    const created = nextEvent<Room>(graceClient.socket, `group_${grace}`);
    adaClient.createGroup({ room_name: 'Durable', recipients: [grace], type: 'group-chat', creator_id: ada });
    const room = (await created)._id;
    const direct = nextEvent<Message>(graceClient.socket, grace);
    adaClient.sendNewMessage({ type: 'peer-to-peer', recipient_id: [grace], message: { _id: 'first', sender_id: ada, message: 'hello' } });
    const first = await direct;
    adaClient.sendMessage({ room_id: room, sender_id: ada, message: 'kept' });
    await waitFor(() => received(graceClient, 'message').length === 1, 'the group message');
    const kept = received(graceClient, 'message')[0] as Message;
    graceClient.pinMessage({ _id: kept._id, room_id: room, pin_message: true });
    graceClient.messageSeen({ message_id: kept._id, room_id: room });
    await waitFor(() => received(adaClient, 'seen').length === 1, 'seen');

    await t.restart();

    [adaClient, graceClient] = await Promise.all([t.connect(ada), t.connect(grace)]);
    const rooms = nextEvent<Room[]>(graceClient.socket, 'connectRooms');
    graceClient.connectRooms({ user_id: grace });
    expect(await rooms).toMatchObject([
      { _id: first.room_id, type: 'peer-to-peer' },
      { _id: room, room_name: 'Durable', pinned_messages: [kept._id] },
    ]);
    const edited = nextEvent(graceClient.socket, 'edited');
    adaClient.editMessage({ message_id: kept._id, message: 'kept, edited', room_id: room, user_id: ada });
    await edited;
    // A retry of the first message after the restart is still recognized.
    const again = nextEvent<Message>(graceClient.socket, grace);
    adaClient.sendNewMessage({ type: 'peer-to-peer', recipient_id: [grace], message: { _id: 'first', sender_id: ada, message: 'hello' } });
    expect(await again).toEqual(first);

    const core = t.server().core;
    const graceId = (await core.findUser('teamchat', grace))!.id;
    expect(await core.unreadCount(graceId, room)).toBe(0);
    const history = await core.history(graceId, room);
    expect(history.items.map((m) => [m.id, m.text, m.editedAt !== null, m.pinned])).toEqual([[kept._id, 'kept, edited', true, true]]);
  });
});
