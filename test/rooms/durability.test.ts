/** What the server acknowledged survives a restart: rooms, messages, unread counts, client ids. */
import { expect, it } from 'vitest';
import { describeEachBackend } from '../storage/backends.js';
import { createRoom, roomsHarness, sendMessage, uniqueId } from './harness.js';

describeEachBackend('rooms restart durability', (backend) => {
  const h = roomsHarness(backend);

  it('lists the same rooms, last messages and unread counts after a restart, and keeps sends idempotent', async () => {
    const adaId = uniqueId('ada');
    const raviId = uniqueId('ravi');
    let ada = await h.connect(adaId);
    let ravi = await h.connect(raviId);
    const direct = await createRoom(ada, [ravi.user]);
    const group = await createRoom(ada, [ravi.user], { name: 'Design team' });
    await sendMessage(ada, direct._id, 'before restart', 'c-1');
    await sendMessage(ada, group._id, 'to the group');
    const before = { ada: (await ada.sync()).chats, ravi: (await ravi.sync()).chats };
    ada.client.close();
    ravi.client.close();

    h.use(await h.server.restart());
    ada = await h.connect(adaId);
    ravi = await h.connect(raviId);
    expect((await ada.sync()).chats).toEqual(before.ada);
    expect((await ravi.sync()).chats).toEqual(before.ravi);
    expect(before.ravi.map((c) => c.unread_messages_count)).toEqual([1, 1]);

    // A retry of an acknowledged send after the restart is not stored twice.
    const again = await sendMessage(ada, direct._id, 'before restart', 'c-1');
    expect(again.message_body._id).toBe(before.ada.find((c) => c._id === direct._id)!.last_message!._id);
    // The new server's sockets are in their rooms.
    await ravi.next('message_broadcast', (b) => b.client_id === 'c-1');
  });
});
