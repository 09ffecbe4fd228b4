/**
 * The mock's handshake: any well-formed JWT is accepted (decoded, not verified) and names the
 * user; a missing, malformed or mis-shaped one is refused the way each spec says
 * (`connect_error` or the error event then a disconnect); roles and the presence-first rule of
 * marketplace; the spec's trust mode behind `--auth trust`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mockToken } from '../../mock-server/index.js';
import { nextEvent } from '../helpers/net.js';
import { closeSessions, control, Session, type Protocol } from './helpers.js';

afterEach(closeSessions);

const connectError = (socket: { once(e: string, f: (err: Error & { data?: unknown }) => void): unknown }) =>
  new Promise<Error & { data?: unknown }>((resolve) => socket.once('connect_error', resolve));

describe.each([
  ['messenger', '/', { sub: 'u-ada' }, 'u-ada'],
  ['rooms', '/', { sub: '61010d7ce4c9786a417b4112', name: 'Nitesh' }, '61010d7ce4c9786a417b4112'],
  ['teamchat', '/', { sub: '65e01d25c002d6508c631ad9', first_name: 'Abdul' }, '65e01d25c002d6508c631ad9'],
] as const)('%s (onFailure: connectError)', (protocol, ns, claims, userId) => {
  it.each([
    ['no token', undefined],
    ['an empty token', { token: '' }],
    ['a token that is not a JWT', { token: 'not-a-jwt' }],
    ['a JWT without the user id claim', { token: mockToken({ name: 'nobody' }) }],
  ])('refuses %s with connect_error { status: 401 }', async (_name, auth) => {
    const s = await Session.start(protocol as Protocol);
    const socket = s.socket(ns, auth);
    const err = await connectError(socket);
    expect(err.data).toMatchObject({ status: 401, message: expect.any(String) });
    expect(socket.connected).toBe(false);
  });

  it('accepts any well-formed JWT, unverified, and takes the user id from its claims', async () => {
    const s = await Session.start(protocol as Protocol);
    await s.connect('u', userId, { token: mockToken(claims) });
    const { body } = await control<{ user: string; namespace: string }[]>(s, 'GET', '/_mock/sockets');
    expect(body).toEqual([expect.objectContaining({ namespace: ns, user: userId })]);
  });
});

describe('marketplace (onFailure: errorEvent, roles, presence first)', () => {
  it.each([
    ['no token', undefined],
    ['a malformed token', { token: 'abc.def' }],
    ['claims without types', { token: mockToken({ data: { id: 2 } }) }],
    ['a user id of the wrong type', { token: mockToken({ data: { id: 'two' }, types: ['customer'] }) }],
  ])('answers %s with appError 401, then closes the socket', async (_name, auth) => {
    const s = await Session.start('marketplace');
    const socket = s.socket('/presence', auth);
    const error = nextEvent<Record<string, unknown>>(socket, 'appError');
    const closed = nextEvent(socket, 'disconnect');
    expect(await error).toMatchObject({ error: true, statusCode: 401 });
    await closed;
  });

  it('admits an admin to /presence but not to /chat (403)', async () => {
    const s = await Session.start('marketplace');
    await s.connect('adminP', 9, { role: 'admin', namespace: '/presence' });
    const chat = s.socket('/chat', { token: s.token(9, { role: 'admin', namespace: '/chat' }) });
    const error = nextEvent(chat, 'appError');
    const closed = nextEvent(chat, 'disconnect');
    expect(await error).toMatchObject({ statusCode: 403 });
    await closed;
  });

  it('refuses /chat to a user with no socket in /presence (400), then admits them once they have one', async () => {
    const s = await Session.start('marketplace');
    const early = s.socket('/chat', { token: s.token(2, { role: 'customer' }) });
    const error = nextEvent(early, 'appError');
    const closed = nextEvent(early, 'disconnect');
    expect(await error).toMatchObject({ statusCode: 400, message: 'Connect to the /presence namespace first' });
    await closed;
    await s.connect('p', 2, { role: 'customer', namespace: '/presence' });
    const chat = await s.connect('c', 2, { role: 'customer', namespace: '/chat' });
    expect(chat.socket.connected).toBe(true);
    const { body } = await control<{ userKey: string }[]>(s, 'GET', '/_mock/sockets');
    expect(body.map((x) => x.userKey)).toEqual(['customer:2', 'customer:2']);
  });
});

describe('rooms: socket.io-client 2.x (Engine.IO v3), the token in the query', () => {
  it('connects, is identified by the query token, and is answered', async () => {
    const ioV2 = (await import('socket.io-client-v2')).default;
    const s = await Session.start('rooms', { fill: 1 });
    const user = { user_id: '61010d7ce4c9786a417b4112', email: 'n@example.com', name: 'Nitesh' };
    const socket = ioV2(s.url, { query: { token: s.token(user.user_id) }, transports: ['websocket'], reconnection: false, forceNew: true });
    try {
      await nextEvent(socket, 'connect');
      const chats = nextEvent<{ chats: unknown[] }>(socket, 'set_chats');
      socket.emit('get_chats', { user });
      expect((await chats).chats).toHaveLength(1);
    } finally {
      socket.close();
    }
  });
});

describe('trust mode (--auth trust)', () => {
  it('messenger: accepts auth.userid only with --auth trust', async () => {
    const strict = await Session.start('messenger');
    expect((await connectError(strict.socket('/', { userid: 'u-ada' }))).data).toMatchObject({ status: 401 });

    const trusting = await Session.start('messenger', { auth: 'trust' });
    const socket = trusting.socket('/', { userid: 'u-ada' });
    await nextEvent(socket, 'connect');
    const grace = await trusting.connect('grace', 'u-grace');
    socket.emit('sendMessage', { messageid: 'c-1', senderid: 'u-ada', receiverid: 'u-grace', message: 'hi' });
    expect(await nextEvent(grace.socket, 'newMessage')).toMatchObject({ senderid: 'u-ada' });
  });

  it('rooms: the `connected` event names the user; any event before it is unauthenticated (401)', async () => {
    const s = await Session.start('rooms', { auth: 'trust' });
    const socket = s.socket('/', undefined);
    await nextEvent(socket, 'connect');
    const user = { user_id: '61010d7ce4c9786a417b4112', email: 'n@example.com', name: 'Nitesh' };
    socket.emit('get_chats', { user });
    expect(await nextEvent(socket, 'error')).toMatchObject({ status: false, status_code: 401 });
    socket.emit('connected', { user, sid: 'abc' });
    socket.emit('get_chats', { user });
    expect(await nextEvent(socket, 'set_chats')).toEqual({ chats: [] });
    const { body } = await control<{ user: string }[]>(s, 'GET', '/_mock/sockets');
    expect(body[0]?.user).toBe(user.user_id);
  });

  it('an identity field naming someone else is forbidden (403), whatever the mode', async () => {
    const s = await Session.start('teamchat');
    const a = await s.connect('a', '65e01d25c002d6508c631ad9');
    const error = nextEvent<Record<string, unknown>>(a.socket, 'error');
    a.socket.emit('connectRooms', { user_id: '5fa24825a8e9cddf8f35df71' });
    expect(await error).toMatchObject({ event: 'connectRooms', statusCode: 403, field: 'user_id' });
  });
});
