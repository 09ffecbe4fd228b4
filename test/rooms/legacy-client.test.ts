/**
 * The original rooms server's clients are socket.io-client 2.x (Engine.IO v3). The reference
 * server accepts them beside 4.x clients: the whole flow end to end, with the token in the
 * handshake query (2.x cannot send `auth`), or in trust mode with `connected` naming the user.
 */
import { afterEach, expect, it } from 'vitest';
import type * as T from '../../generated/rooms/types.js';
import { validate } from '../../generated/rooms/validators.js';
import { waitFor } from '../helpers/net.js';
import { describeEachBackend } from '../storage/backends.js';
import { roomsHarness, uniqueId, wireUser, SERVER_EVENTS, type Received } from './harness.js';

// Imported lazily: the alias may be missing on a fresh checkout (package.json devDependencies).
const ioV2 = (await import('socket.io-client-v2')).default;

interface LegacyMember {
  readonly id: string;
  readonly user: T.User;
  readonly socket: ReturnType<typeof ioV2>;
  readonly log: Received[];
  next<P = any>(event: string, match?: (payload: P) => boolean): Promise<P>;
}

const sockets: Array<ReturnType<typeof ioV2>> = [];
const invalid: string[] = [];

/** Closes the test's 2.x clients; registered after the harness, so it runs before the harness waits for disconnects. */
function closeLegacyClients() {
  afterEach(() => {
    sockets.splice(0).forEach((s) => s.close());
    expect(invalid.splice(0), 'server payloads that fail the spec').toEqual([]);
  });
}

/** A 2.x client; every payload it receives is checked against the spec. */
async function legacy(url: string, id: string, query: Record<string, string>, transports?: string[]): Promise<LegacyMember> {
  const socket = ioV2(url, { query, forceNew: true, reconnection: false, ...(transports ? { transports } : {}) });
  sockets.push(socket);
  const log: Received[] = [];
  for (const event of SERVER_EVENTS) {
    socket.on(event, (payload: unknown) => {
      // 2.x reports a refused handshake as `error` with {status: number}: not the protocol's event.
      if (event === 'error' && typeof (payload as { status?: unknown })?.status === 'number') return;
      const problems = validate('/', 'server', event, payload);
      if (problems.length) invalid.push(`${event}: ${problems.map((p) => p.message).join('; ')}`);
      log.push({ event, payload });
    });
  }
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', (err: unknown) => reject(Object.assign(new Error('refused'), { data: err })));
  });
  const find = (event: string, match?: (p: any) => boolean) => log.filter((r) => r.event === event && (match?.(r.payload) ?? true));
  return {
    id,
    user: wireUser(id),
    socket,
    log,
    async next(event, match) {
      await waitFor(() => find(event, match as (p: any) => boolean).length > 0, `'${event}' at ${id}`);
      return find(event, match as (p: any) => boolean)[0]!.payload;
    },
  };
}

/** The original app's flow, end to end: connected, get_chats, a room, messages, typing, who is online. */
async function wholeFlow(ada: LegacyMember, ravi: LegacyMember) {
  for (const m of [ada, ravi]) m.socket.emit('connected', { user: m.user, sid: m.socket.io.engine.id, token: 'ignored' });
  ravi.socket.emit('get_chats', { user: ravi.user });
  expect(await ravi.next('set_chats')).toEqual({ chats: [] });

  ada.socket.emit('new_room_create', { name: 'chat', participants: [ravi.user], user: ada.user, is_group: false });
  const atAda = (await ada.next<T.AddRoom>('add_room')).channel;
  const atRavi = (await ravi.next<T.AddRoom>('add_room')).channel;
  expect(atAda).toMatchObject({ name: ravi.user.name, is_group: false });
  expect(atRavi).toMatchObject({ _id: atAda._id, name: ada.user.name });
  const room = atAda._id;

  ravi.socket.emit('typing_start', { room, user: ravi.user });
  expect(await ada.next('show_start_typing')).toEqual({ room, user: ravi.user });
  ravi.socket.emit('new_message', { room, message_body: 'Hello Ada!', type: 'USER_TEXT_MESSAGE', user: ravi.user, client_id: 'c-1' });
  ravi.socket.emit('typing_end', { room, user: ravi.user });
  for (const m of [ada, ravi]) {
    expect(await m.next<T.MessageBroadcast>('message_broadcast')).toMatchObject({ room, sender: ravi.user, client_id: 'c-1', message_body: { message_body: 'Hello Ada!' } });
    expect(await m.next('show_end_typing')).toEqual({ room, user: ravi.user });
  }

  ada.socket.emit('get_chats', { user: ada.user });
  const { chats } = await ada.next<T.SetChats>('set_chats');
  expect(chats).toMatchObject([{ _id: room, name: ravi.user.name, unread_messages_count: 1, last_message: { message_body: 'Hello Ada!' } }]);

  ada.socket.emit('online_status', { user_id: ada.id });
  expect(await ada.next('online_status_show')).toEqual([ravi.user]);

  ada.socket.emit('new_message', { room, message_body: '', type: 'USER_TEXT_MESSAGE', user: ada.user });
  expect(await ada.next('error')).toMatchObject({ status: false, status_code: 400, data: { event: 'new_message', field: 'message_body' } });
}

describeEachBackend('rooms with socket.io-client 2.x (jwt)', (backend) => {
  const h = roomsHarness(backend);
  closeLegacyClients();

  it('runs the whole flow with the token in the handshake query, over polling and websocket', async () => {
    const adaId = uniqueId('ada');
    const raviId = uniqueId('ravi');
    const ada = await legacy(h.server.url, adaId, { token: await h.server.token(adaId, undefined, { name: 'ada', email: 'ada@example.com' }) });
    const ravi = await legacy(h.server.url, raviId, { token: await h.server.token(raviId, undefined, { name: 'ravi', email: 'ravi@example.com' }) }, ['websocket']);
    await wholeFlow(ada, ravi);
  });

  it('talks with 4.x clients in the same room', async () => {
    const adaId = uniqueId('ada');
    const ada = await legacy(h.server.url, adaId, { token: await h.server.token(adaId, undefined, { name: 'ada', email: 'ada@example.com' }) }, ['websocket']);
    const ravi = await h.connect(uniqueId('ravi'));
    await ravi.sync();
    ada.socket.emit('new_room_create', { name: 'mixed', participants: [ravi.user], user: ada.user, is_group: true });
    const room = (await ada.next<T.AddRoom>('add_room')).channel._id;
    await ravi.next('add_room');
    ravi.client.newMessage({ room, message_body: 'from 4.x', type: 'USER_TEXT_MESSAGE', user: ravi.user });
    expect(await ada.next('message_broadcast')).toMatchObject({ room, message_body: { message_body: 'from 4.x' } });
  });

  it('refuses a 2.x handshake without a valid token with {status: 401}', async () => {
    await expect(legacy(h.server.url, 'x', { token: 'not-a-jwt' }, ['websocket'])).rejects.toMatchObject({ data: { status: 401 } });
    await expect(legacy(h.server.url, 'x', {}, ['websocket'])).rejects.toMatchObject({ data: { status: 401 } });
  });
});

describeEachBackend('rooms with socket.io-client 2.x (trust)', (backend) => {
  const h = roomsHarness(backend, { authMode: 'trust' });
  closeLegacyClients();

  it('runs the whole flow of the original clients, which send only ids', async () => {
    const ada = await legacy(h.server.url, uniqueId('ada'), {});
    const ravi = await legacy(h.server.url, uniqueId('ravi'), {}, ['websocket']);
    await wholeFlow(ada, ravi);
  });
});
