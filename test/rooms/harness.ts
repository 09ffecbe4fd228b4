/**
 * The rooms tests' common ground: a reference server per suite on a real store, users who
 * connect with the generated client (validating everything the server sends), and waiting for
 * events by condition.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { connectRooms, type RoomsClient } from '../../generated/rooms/client.js';
import type * as T from '../../generated/rooms/types.js';
import { events as specEvents } from '../../generated/rooms/validators.js';
import { REALM } from '../../src/rooms/session.js';
import type { ChatCore, User } from '../../src/core/index.js';
import { startTestServer, type StartOptions, type TestProtocolServer } from '../helpers/servers.js';
import { waitFor } from '../helpers/net.js';
import type { Backend } from '../storage/backends.js';

/** Every server event of `/`, as the spec names them. */
export const SERVER_EVENTS = specEvents['/'].server;

/** A user id no other test uses (the suite's server is shared by its tests). */
export function uniqueId(name: string): string {
  return `${name}-${randomBytes(4).toString('hex')}`;
}

/** A user object as clients send it. */
export function wireUser(id: string, name = id.split('-')[0]!): T.User {
  return { user_id: id, email: `${name}@example.com`, name };
}

export interface Received {
  readonly event: string;
  readonly payload: any;
}

/** A connected user: their client, their user object, and every valid event it received. */
export interface Member {
  readonly id: string;
  readonly user: T.User;
  readonly client: RoomsClient;
  readonly log: Received[];
  /** The first received `event` matching `match` (waits for it). */
  next<P = any>(event: string, match?: (payload: P) => boolean, ms?: number): Promise<P>;
  /** How many `event`s matching `match` it received so far. */
  count(event: string, match?: (payload: any) => boolean): number;
  /**
   * A round trip (`get_chats` → `set_chats`, as `as`, default the member's user object): what
   * the server did for this socket before is done.
   */
  sync(as?: T.User): Promise<T.SetChats>;
}

export interface ConnectOptions {
  /** Token claims (default: the user's name and email); `null`: connect without a token. */
  readonly claims?: Record<string, unknown> | null;
  /** Send `connected` first (default true; trust mode needs it). */
  readonly announce?: boolean;
  /** The user object sent in payloads (default: `wireUser(id)`). */
  readonly user?: T.User;
}

export interface Harness {
  readonly server: TestProtocolServer;
  readonly core: ChatCore;
  /** Replaces the server (after `server.restart()`). */
  use(server: TestProtocolServer): void;
  connect(id: string, options?: ConnectOptions): Promise<Member>;
  /** The stored user of a wire id, or null. */
  stored(id: string): Promise<User | null>;
}

/** A rooms server for the suite (one per backend), closed after it; clients closed after each test. */
export function roomsHarness(backend: Backend, options: StartOptions = {}): Harness {
  let server: TestProtocolServer | undefined;
  const clients: RoomsClient[] = [];
  const invalid: string[] = [];
  beforeAll(async () => {
    server = await startTestServer('rooms', backend, options);
  });
  afterEach(async () => {
    const open = clients.splice(0);
    open.forEach((c) => c.close());
    // Their disconnects are processed before the next test counts who is online.
    await waitFor(() => server === undefined || server.server.io.of('/').sockets.size === 0, 'clients to disconnect');
    expect(invalid.splice(0), 'server payloads that fail the spec').toEqual([]);
  });
  afterAll(async () => {
    await server?.close();
  });

  const harness: Harness = {
    get server() {
      if (server === undefined) throw new Error('the server starts in beforeAll');
      return server;
    },
    get core() {
      return harness.server.core;
    },
    use(next) {
      server = next;
    },
    async connect(id, connectOptions = {}) {
      const user = connectOptions.user ?? wireUser(id);
      const claims = connectOptions.claims === undefined ? { name: user.name, email: user.email } : connectOptions.claims;
      const token = claims === null ? undefined : await harness.server.token(id, undefined, claims);
      const client = connectRooms(harness.server.url, {
        auth: token === undefined ? ({} as { token: string }) : { token },
        validate: true,
        onInvalidPayload: (event, problems) => invalid.push(`${event}: ${problems.map((p) => p.message).join('; ')}`),
        socket: { transports: ['websocket'], reconnection: false, forceNew: true },
      });
      clients.push(client);
      const log: Received[] = [];
      for (const event of SERVER_EVENTS) client.on(event as 'error', (payload: unknown) => log.push({ event, payload }));
      await client.ready();
      const find = (event: string, match?: (p: any) => boolean) => log.filter((r) => r.event === event && (match?.(r.payload) ?? true));
      const member: Member = {
        id,
        user,
        client,
        log,
        async next(event, match, ms) {
          await waitFor(() => find(event, match as (p: any) => boolean).length > 0, `'${event}' at ${id}`, ms);
          return find(event, match as (p: any) => boolean)[0]!.payload;
        },
        count: (event, match) => find(event, match).length,
        async sync(as = user) {
          const before = find('set_chats').length;
          client.getChats({ user: as });
          await waitFor(() => find('set_chats').length > before, `'set_chats' at ${id}`);
          return find('set_chats').at(-1)!.payload as T.SetChats;
        },
      };
      if (connectOptions.announce ?? true) client.connected({ user, sid: client.socket.io.engine.id });
      return member;
    },
    stored: (id) => harness.core.findUser(REALM, id),
  };
  return harness;
}

/** Creates a room from `creator` and waits for its `add_room` at the creator. */
export async function createRoom(
  creator: Member,
  others: readonly T.User[],
  group: { name: string } | null = null,
): Promise<T.Room> {
  const ids = [...new Set(others.map((o) => o.user_id))].filter((id) => id !== creator.id).sort().join(',');
  const before = creator.count('add_room');
  creator.client.newRoomCreate({ name: group?.name ?? '', participants: [...others], user: creator.user, is_group: group !== null });
  await waitFor(() => creator.count('add_room') > before, `'add_room' at ${creator.id}`);
  const room = (creator.log.filter((r) => r.event === 'add_room').at(-1)!.payload as T.AddRoom).channel;
  expect(
    room.participants
      .map((p) => p.user_id)
      .filter((id) => id !== creator.id)
      .sort()
      .join(','),
  ).toBe(ids);
  return room;
}

/** Sends a message and waits for its broadcast at the sender. */
export async function sendMessage(sender: Member, room: string, text: string, clientId?: string): Promise<T.MessageBroadcast> {
  const payload: T.NewMessagePayload = { room, message_body: text, type: 'USER_TEXT_MESSAGE', user: sender.user };
  if (clientId !== undefined) payload.client_id = clientId;
  sender.client.newMessage(payload);
  return sender.next<T.MessageBroadcast>('message_broadcast', (b) => b.room === room && b.message_body.message_body === text);
}
