/**
 * `new_message` → `message_broadcast`: stored first, then sent to every socket of every
 * participant, the sender's included, and to no one else. Only participants send; an invalid
 * request gets the `error` event only and nothing is stored.
 */
import { expect, it } from 'vitest';
import type * as T from '../../generated/rooms/types.js';
import { describeEachBackend } from '../storage/backends.js';
import { createRoom, roomsHarness, sendMessage, uniqueId, type Member } from './harness.js';

describeEachBackend('rooms new_message', (backend) => {
  const h = roomsHarness(backend);

  /** A group of ada (two tabs), ravi and bob, and eve who is not in it. */
  async function team() {
    const adaId = uniqueId('ada');
    const ada = await h.connect(adaId);
    const ravi = await h.connect(uniqueId('ravi'));
    const bob = await h.connect(uniqueId('bob'));
    const eve = await h.connect(uniqueId('eve'));
    const room = await createRoom(ada, [ravi.user, bob.user], { name: 'Design team' });
    const adaTab = await h.connect(adaId); // connects after the room exists: joins it on connect
    await Promise.all([ravi, bob, eve, adaTab].map((m) => m.sync()));
    return { ada, adaTab, ravi, bob, eve, room };
  }

  async function history(member: Member, room: string) {
    const user = await h.stored(member.id);
    return (await h.core.history(user!.id, room)).items;
  }

  it('stores the message, then broadcasts it to every participant\'s sockets, the sender\'s included, and not to others', async () => {
    const { ada, adaTab, ravi, bob, eve, room } = await team();
    const mine = await sendMessage(ravi, room._id, 'Hello team', 'c-1');
    const [stored] = await history(ravi, room._id);
    expect(mine).toEqual({
      room: room._id,
      message_body: { _id: stored!.id, room: room._id, message_body: 'Hello team', type: 'USER_TEXT_MESSAGE', user: ravi.user, timestamp: stored!.createdAt.toISOString() },
      timestamp: stored!.createdAt.toISOString(),
      sender: ravi.user,
      client_id: 'c-1',
    });
    for (const member of [ada, adaTab, bob]) expect(await member.next('message_broadcast', (b) => b.room === room._id)).toEqual(mine);
    await eve.sync();
    expect(eve.count('message_broadcast')).toBe(0);
  });

  it('omits client_id when the request has none', async () => {
    const { ada, room } = await team();
    const broadcast = await sendMessage(ada, room._id, 'no id');
    expect(broadcast).not.toHaveProperty('client_id');
  });

  it('stores a retry with the same client_id once, and broadcasts it again', async () => {
    const { ada, ravi, room } = await team();
    const first = await sendMessage(ada, room._id, 'once', 'c-retry');
    ada.client.newMessage({ room: room._id, message_body: 'once', type: 'USER_TEXT_MESSAGE', user: ada.user, client_id: 'c-retry' });
    await ravi.next('message_broadcast', () => ravi.count('message_broadcast', (b: T.MessageBroadcast) => b.client_id === 'c-retry') === 2);
    expect(ravi.log.filter((r) => r.event === 'message_broadcast').map((r) => r.payload)).toEqual([first, first]);
    expect(await history(ada, room._id)).toHaveLength(1);
  });

  it('refuses a non-participant (403) and an unknown room (404), storing nothing and telling no one', async () => {
    const { ada, ravi, eve, room } = await team();
    eve.client.newMessage({ room: room._id, message_body: 'let me in', type: 'USER_TEXT_MESSAGE', user: eve.user });
    expect(await eve.next('error')).toEqual({ status: false, status_code: 403, message: 'Not a participant of this room', data: { event: 'new_message' } });
    eve.client.newMessage({ room: 'no-such-room', message_body: 'hello?', type: 'USER_TEXT_MESSAGE', user: eve.user });
    expect(await eve.next('error', (e) => e.status_code === 404)).toMatchObject({ message: 'Room no-such-room not found', data: { event: 'new_message' } });
    await Promise.all([ada.sync(), ravi.sync(), eve.sync()]);
    expect(ada.count('message_broadcast') + ravi.count('message_broadcast') + eve.count('message_broadcast')).toBe(0);
    expect(await history(ada, room._id)).toEqual([]);
  });

  it.each([
    ['an empty text', { message_body: '' }, 'message_body'],
    ['a text over 5,000 characters', { message_body: 'x'.repeat(5001) }, 'message_body'],
    ['another message type', { type: 'USER_IMAGE_MESSAGE' }, 'type'],
    ['a room id that is not an id', { room: '../etc' }, 'room'],
    ['a missing user', { user: undefined }, 'user'],
    ['an unknown field', { extra: true }, 'extra'],
    ['a text that is not a string', { message_body: { $gt: '' } }, 'message_body'],
  ])('answers %s with the error event only, and stores nothing', async (_name, change, field) => {
    const { ada, ravi, room } = await team();
    ada.client.socket.emit('new_message', { room: room._id, message_body: 'hi', type: 'USER_TEXT_MESSAGE', user: ada.user, ...change } as never);
    expect(await ada.next('error')).toMatchObject({ status: false, status_code: 400, data: { event: 'new_message', field } });
    await Promise.all([ada.sync(), ravi.sync()]);
    expect(ada.count('message_broadcast') + ravi.count('message_broadcast')).toBe(0);
    expect(await history(ada, room._id)).toEqual([]);
    // The socket stays usable.
    await sendMessage(ada, room._id, 'still here');
  });

  it('keeps a sender\'s messages in order', async () => {
    const { ada, bob, room } = await team();
    const texts = Array.from({ length: 20 }, (_, i) => `m${i}`);
    for (const text of texts) ada.client.newMessage({ room: room._id, message_body: text, type: 'USER_TEXT_MESSAGE', user: ada.user });
    await bob.next('message_broadcast', () => bob.count('message_broadcast') === texts.length);
    expect(bob.log.filter((r) => r.event === 'message_broadcast').map((r) => r.payload.message_body.message_body)).toEqual(texts);
  });
});
