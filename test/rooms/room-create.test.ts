/**
 * `new_room_create` → `add_room`: groups get their name and participants; a one-to-one request
 * reuses the pair's room; every participant's sockets get the room (and join it). An invalid
 * request gets the `error` event and nothing else: nothing is stored.
 */
import { expect, it } from 'vitest';
import type * as T from '../../generated/rooms/types.js';
import { describeEachBackend } from '../storage/backends.js';
import { createRoom, roomsHarness, sendMessage, uniqueId, wireUser, type Member } from './harness.js';

describeEachBackend('rooms new_room_create', (backend) => {
  const h = roomsHarness(backend);

  it('creates a group with its name and every participant, the creator included, and sends it to all their sockets', async () => {
    const adaId = uniqueId('ada');
    const ada = await h.connect(adaId);
    const adaTab = await h.connect(adaId);
    const ravi = await h.connect(uniqueId('ravi'));
    const bob = await h.connect(uniqueId('bob'));
    const outsider = await h.connect(uniqueId('eve'));
    await Promise.all([adaTab, ravi, bob, outsider].map((m) => m.sync()));

    // The creator listed among the participants is a member once.
    const room = await createRoom(ada, [ravi.user, bob.user, ada.user], { name: 'Design team' });
    expect(room).toMatchObject({ name: 'Design team', is_group: true, image: null });
    expect(room.participants.map((p) => p.user_id).sort()).toEqual([adaId, ravi.id, bob.id].sort());
    for (const member of [adaTab, ravi, bob]) {
      expect(await member.next<T.AddRoom>('add_room', (r) => r.channel._id === room._id)).toEqual({ channel: room });
    }
    await outsider.sync();
    expect(outsider.count('add_room')).toBe(0);

    // Every participant's sockets joined the room at once: no reconnect needed to get its messages.
    await sendMessage(bob, room._id, 'joined already');
    for (const member of [ada, adaTab, ravi]) await member.next('message_broadcast', (b) => b.room === room._id);
  });

  it('makes a new room for each group request, even with the same name and people', async () => {
    const ada = await h.connect(uniqueId('ada'));
    const ravi = await h.connect(uniqueId('ravi'));
    const first = await createRoom(ada, [ravi.user], { name: 'Team' });
    const second = await createRoom(ada, [ravi.user], { name: 'Team' });
    expect(second._id).not.toBe(first._id);
  });

  it("reuses the pair's one-to-one room, whoever asks, and sends it again", async () => {
    const ada = await h.connect(uniqueId('ada'));
    const ravi = await h.connect(uniqueId('ravi'));
    await ravi.sync();
    const first = await createRoom(ada, [ravi.user]);
    expect(first).toMatchObject({ is_group: false, name: ravi.user.name });
    const again = await createRoom(ada, [ravi.user]);
    const fromRavi = await createRoom(ravi, [ada.user]);
    expect([again._id, fromRavi._id]).toEqual([first._id, first._id]);
    expect(fromRavi.name).toBe(ada.user.name);
    expect(ravi.count('add_room', (r: T.AddRoom) => r.channel._id === first._id)).toBe(3);

    const stored = await h.stored(ada.id);
    expect((await h.core.listConversations(stored!.id)).items).toHaveLength(1);
  });

  it('keeps a group request apart from the pair\'s one-to-one room', async () => {
    const ada = await h.connect(uniqueId('ada'));
    const ravi = await h.connect(uniqueId('ravi'));
    const direct = await createRoom(ada, [ravi.user]);
    const group = await createRoom(ada, [ravi.user], { name: 'Just us' });
    expect(group._id).not.toBe(direct._id);
    expect(group.is_group).toBe(true);
  });

  const invalid: Array<[string, (m: Member) => unknown, { status_code: number; field?: string }]> = [
    ['a one-to-one request with two participants', (m) => ({ name: '', participants: [wireUser(uniqueId('a')), wireUser(uniqueId('b'))], user: m.user, is_group: false }), { status_code: 400, field: 'participants' }],
    ['a group without a name', (m) => ({ name: '', participants: [wireUser(uniqueId('a'))], user: m.user, is_group: true }), { status_code: 400, field: 'name' }],
    ['no participants', (m) => ({ name: 'x', participants: [], user: m.user, is_group: true }), { status_code: 400, field: 'participants' }],
    ['a one-to-one room with oneself', (m) => ({ name: '', participants: [m.user], user: m.user, is_group: false }), { status_code: 400, field: 'participants.0.user_id' }],
    ['a participant without an email', (m) => ({ name: 'x', participants: [{ user_id: uniqueId('a'), name: 'A' }], user: m.user, is_group: true }), { status_code: 400, field: 'participants.0.email' }],
    ['a participant id with spaces', (m) => ({ name: 'x', participants: [wireUser('not an id')], user: m.user, is_group: true }), { status_code: 400, field: 'participants.0.user_id' }],
    ['101 other participants', (m) => ({ name: 'x', participants: Array.from({ length: 101 }, (_, i) => wireUser(`p${i}`)), user: m.user, is_group: true }), { status_code: 400, field: 'participants' }],
    ['an unknown field', (m) => ({ name: 'x', participants: [wireUser(uniqueId('a'))], user: m.user, is_group: true, image: 'x' }), { status_code: 400 }],
    ['a missing is_group', (m) => ({ name: 'x', participants: [wireUser(uniqueId('a'))], user: m.user }), { status_code: 400, field: 'is_group' }],
    ['no payload', () => undefined, { status_code: 400 }],
  ];
  it.each(invalid)('answers %s with the error event only, and stores nothing', async (_name, build, want) => {
    const ada = await h.connect(uniqueId('ada'));
    await ada.sync();
    const payload = build(ada) as { participants?: T.User[] } | undefined;
    ada.client.socket.emit('new_room_create', payload as never);
    const error = await ada.next('error');
    expect(error).toMatchObject({ status: false, status_code: want.status_code, data: { event: 'new_room_create', ...(want.field ? { field: want.field } : {}) } });
    await ada.sync();
    expect(ada.count('add_room')).toBe(0);
    expect((await h.core.listConversations((await h.stored(ada.id))!.id)).items).toEqual([]);
    for (const p of payload?.participants ?? []) if (p.user_id !== ada.id) expect(await h.stored(p.user_id)).toBeNull();
  });
});
