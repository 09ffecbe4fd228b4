/**
 * The control API (`/_mock/`): listing sockets and users, emitting any server event to exactly
 * its target, latency, drop rate, reset, seed, tokens, fake payloads and validation.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { closeSessions, control, NOW, Session } from './helpers.js';

afterEach(closeSessions);

async function messengerTrio() {
  const s = await Session.start('messenger');
  await s.connect('ada1', 'u-ada');
  await s.connect('ada2', 'u-ada');
  await s.connect('grace', 'u-grace');
  await s.connect('bob', 'u-bob');
  s.take();
  return s;
}

describe('control API', () => {
  it('describes itself, and lists connected sockets and users', async () => {
    const s = await messengerTrio();
    const index = await control<{ protocol: string; endpoints: string[]; playground: string }>(s, 'GET', '/_mock');
    expect(index.body).toMatchObject({ protocol: 'messenger', playground: `${s.url}/_mock/playground/` });
    const sockets = await control<{ id: string; user: string; namespace: string }[]>(s, 'GET', '/_mock/sockets');
    expect(sockets.body.map((x) => x.user).sort()).toEqual(['u-ada', 'u-ada', 'u-bob', 'u-grace']);
    expect(sockets.body.find((x) => x.id === s.peer('grace').socket.id)).toMatchObject({ namespace: '/', user: 'u-grace' });
    const users = await control<{ id: string; sockets: number; online: Record<string, boolean> }[]>(s, 'GET', '/_mock/users');
    expect(users.body.map((u) => [u.id, u.sockets, u.online['/']])).toEqual(
      expect.arrayContaining([
        ['u-ada', 2, true],
        ['u-grace', 1, true],
        ['u-bob', 1, true],
      ]),
    );
  });

  it.each([
    ['a socket', (s: Session) => ({ socket: s.peer('ada2').socket.id }), ['ada2']],
    ['a user (every tab)', () => ({ user: 'u-ada' }), ['ada1', 'ada2']],
    ['a room', () => ({ room: 'user:u-grace' }), ['grace']],
    ['the namespace', () => 'namespace', ['ada1', 'ada2', 'grace', 'bob']],
  ] as const)('emits to %s, and only there', async (_name, to, reached) => {
    const s = await messengerTrio();
    const target = typeof to === 'function' ? to(s) : to;
    const res = await control<{ sockets: string[]; payload: unknown }>(s, 'POST', '/_mock/emit', { event: 'unreadMessagesCount', payload: { count: 7 }, to: target });
    expect(res.status).toBe(200);
    expect(res.body.sockets.sort()).toEqual(reached.map((n) => s.peer(n).socket.id!).sort());
    await s.settle();
    const got = s.take();
    for (const name of ['ada1', 'ada2', 'grace', 'bob']) expect(got[name]).toEqual(reached.includes(name as never) ? ['unreadMessagesCount'] : []);
    expect(s.last(reached[0]!, 'unreadMessagesCount')).toEqual({ count: 7 });
  });

  it('fakes a valid payload when none is given, and fills dynamic names from params', async () => {
    const s = await messengerTrio();
    const res = await control<{ payload: Record<string, unknown> }>(s, 'POST', '/_mock/emit', { event: 'newMessage', to: { user: 'u-grace' } });
    expect(res.status).toBe(200);
    await s.settle();
    expect(s.take().grace).toEqual(['newMessage']);

    const t = await Session.start('teamchat');
    const b = await t.connect('b', '5fa24825a8e9cddf8f35df71');
    const group = await control<{ event: string }>(t, 'POST', '/_mock/emit', { event: 'group_{userId}', params: { userId: '5fa24825a8e9cddf8f35df71' }, to: { user: '5fa24825a8e9cddf8f35df71' } });
    expect(group.body.event).toBe('group_5fa24825a8e9cddf8f35df71');
    await t.settle();
    expect(t.take()).toEqual({ b: ['group_5fa24825a8e9cddf8f35df71'] });
    expect(b.socket.connected).toBe(true);
  });

  it('refuses an invalid payload (422, naming the field) unless allowInvalid, and unknown events (404)', async () => {
    const s = await messengerTrio();
    const bad = await control<{ error: string; problems: { field: string }[] }>(s, 'POST', '/_mock/emit', { event: 'unreadMessagesCount', payload: { count: -1 }, to: 'namespace' });
    expect(bad.status).toBe(422);
    expect(bad.body.problems[0]!.field).toBe('count');
    const forced = await control(s, 'POST', '/_mock/emit', { event: 'unreadMessagesCount', payload: { count: -1 }, to: { user: 'u-bob' }, allowInvalid: true });
    expect(forced.status).toBe(200);
    expect((await control(s, 'POST', '/_mock/emit', { event: 'nope', to: 'namespace' })).status).toBe(404);
    expect((await control(s, 'POST', '/_mock/emit', { event: 'newMessage', to: { socket: 'nosuchsocket' } })).status).toBe(404);
  });

  it('delays every answer by the latency set, and drops every emit at drop rate 1', async () => {
    const s = await messengerTrio();
    expect((await control(s, 'PUT', '/_mock/config', { latency: 300 })).body).toMatchObject({ latency: 300 });
    const t = Date.now();
    await s.send('ada1', 'sendMessage', { messageid: 'c-1', senderid: 'u-ada', receiverid: 'u-grace', message: 'slow' });
    expect(Date.now() - t).toBeGreaterThanOrEqual(300);
    expect(s.take().grace).toEqual(['newThread', 'newMessage', 'unreadMessagesCount']);

    await control(s, 'PUT', '/_mock/config', { latency: 0, drop: 1 });
    await s.send('ada1', 'sendMessage', { messageid: 'c-2', senderid: 'u-ada', receiverid: 'u-grace', message: 'lost' });
    expect(s.take()).toEqual({ ada1: [], ada2: [], grace: [], bob: [] });
    // The state still changed: the message was stored, only its emits were lost.
    await control(s, 'PUT', '/_mock/config', { drop: 0 });
    await s.send('grace', 'seeMessage', { senderid: 'u-ada', userid: 'u-grace' });
    expect(s.take().ada1).toEqual(['seenMessage']);
    expect((await control(s, 'PUT', '/_mock/config', { drop: 2 })).status).toBe(400);
  });

  it('resets the state, and reseeds', async () => {
    const s = await messengerTrio();
    await s.send('ada1', 'sendMessage', { messageid: 'c-1', senderid: 'u-ada', receiverid: 'u-grace', message: 'before' });
    const before = s.last<{ _id: string }>('grace', 'newMessage')._id;
    expect((await control<{ summary: { messages: number } }>(s, 'GET', '/_mock/state')).body.summary.messages).toBe(1);
    await control(s, 'POST', '/_mock/reset');
    expect((await control<{ summary: { messages: number } }>(s, 'GET', '/_mock/state')).body.summary.messages).toBe(0);
    // The thread is new again, and the ids start over from the seed (after the time an ObjectId starts with).
    await s.send('ada1', 'sendMessage', { messageid: 'c-1', senderid: 'u-ada', receiverid: 'u-grace', message: 'before' });
    expect(s.take().grace).toEqual(['newThread', 'newMessage', 'unreadMessagesCount', 'newThread', 'newMessage', 'unreadMessagesCount']);
    expect(s.last<{ _id: string }>('grace', 'newMessage')._id.slice(8)).toBe(before.slice(8));

    const seeded = await control<{ seed: number; now: string }>(s, 'POST', '/_mock/seed', { seed: 99, now: new Date(NOW).toISOString() });
    expect(seeded.body).toEqual({ seed: 99, now: new Date(NOW).toISOString() });
    await s.send('ada1', 'sendMessage', { messageid: 'c-1', senderid: 'u-ada', receiverid: 'u-grace', message: 'before' });
    expect(s.last<{ _id: string }>('grace', 'newMessage')._id.slice(8)).not.toBe(before.slice(8));
  });

  it('mints tokens the handshake accepts, fakes client payloads bound to a user, validates payloads', async () => {
    const s = await Session.start('marketplace', { fill: 1 });
    const token = await control<{ token: string; claims: Record<string, unknown> }>(s, 'GET', '/_mock/token?user=8&role=vendor&namespace=/presence');
    expect(token.body.claims).toMatchObject({ data: { id: 8 }, types: ['vendor'] });
    await s.connect('p', 8, { namespace: '/presence', token: token.body.token });
    await s.connect('c', 8, { namespace: '/chat', token: token.body.token });
    await s.settle();
    const fake = await control<{ payload: Record<string, unknown> }>(s, 'GET', '/_mock/fake?namespace=/chat&event=sendMessage&user=8&role=vendor');
    const [chat] = s.last<{ data: { productId: string; customerId: number }[] }>('c', 'userChats').data;
    expect(fake.body.payload).toMatchObject({ productId: chat!.productId, recipientId: chat!.customerId, text: expect.any(String) });
    const check = await control<{ valid: boolean }>(s, 'POST', '/_mock/validate', { namespace: '/chat', direction: 'client', event: 'sendMessage', payload: fake.body.payload });
    expect(check.body.valid).toBe(true);
    // The faked request is answered like any other: the chat exists, both sides get the message.
    await s.send('c', 'sendMessage', fake.body.payload);
    expect(s.take().c).toEqual(['userChats', 'offlineMessages', 'receiveMessage']);
    const invalid = await control<{ valid: boolean; problems: { field: string }[] }>(s, 'POST', '/_mock/validate', { namespace: '/chat', direction: 'client', event: 'sendMessage', payload: { productId: 1 } });
    expect(invalid.body).toMatchObject({ valid: false, problems: [{ field: 'recipientId', message: 'recipientId is required' }] });
    expect((await control(s, 'GET', '/_mock/nothing')).status).toBe(404);
  });
});
