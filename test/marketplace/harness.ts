/**
 * The marketplace reference server under test, and its users: real sockets through the
 * generated client bindings, every server payload validated against the spec (an invalid one
 * fails the test), every event a user's sockets receive logged in order.
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import {
  connectMarketplaceChat,
  connectMarketplacePresence,
  type MarketplaceChatClient,
  type MarketplacePresenceClient,
} from '../../generated/marketplace/client.js';
import type * as T from '../../generated/marketplace/types.js';
import { events as specEvents } from '../../generated/marketplace/validators.js';
import { waitFor } from '../helpers/net.js';
import { startTestServer, type StartOptions, type TestProtocolServer } from '../helpers/servers.js';
import type { Backend } from '../storage/backends.js';

export type Role = 'customer' | 'vendor' | 'admin';

export interface User {
  readonly role: Role;
  readonly id: number;
  readonly token: string;
}

export interface Received {
  readonly event: string;
  readonly payload: unknown;
}

/** A socket and the validated events it received, in order. */
export interface Connection<C> {
  readonly client: C;
  readonly log: Received[];
  /** Resolves when the socket is disconnected, with the reason. */
  readonly closed: Promise<string>;
}

export type ChatConnection = Connection<MarketplaceChatClient>;
export type PresenceConnection = Connection<MarketplacePresenceClient>;

/** A user online: a `/presence` socket, and a `/chat` socket that got its first two events. */
export interface Session {
  readonly user: User;
  readonly presence: PresenceConnection;
  readonly chat: ChatConnection;
  readonly userChats: T.UserChatsPayload;
  readonly offlineMessages: T.OfflineMessagesPayload;
}

const SOCKET = { transports: ['websocket'], reconnection: false };

const PROBE = 'test_settle_';
let probeCount = 0;

/** Whether an `appError` answers a `settle` probe. */
export const isProbe = (payload: T.AppErrorPayload): boolean => payload.data?.field?.startsWith(PROBE) === true;

/** The `appError`s of a log, without the answers to `settle` probes. */
export const appErrors = (log: Received[]): T.AppErrorPayload[] => named<T.AppErrorPayload>(log, 'appError').filter((p) => !isProbe(p));

/** A product id no other test uses. */
let productCount = 0;
export const newProduct = (): string => `p-${process.pid}-${++productCount}`;

/** The first received `event` (after `from`) matching `match`, waited for. */
export async function received<P = unknown>(log: Received[], event: string, match: (payload: P) => boolean = () => true, from = 0): Promise<P> {
  let found: P | undefined;
  await waitFor(
    () => {
      const hit = log.slice(from).find((r) => r.event === event && match(r.payload as P));
      if (hit) found = hit.payload as P;
      return hit !== undefined;
    },
    `'${event}'`,
    10_000,
  );
  return found as P;
}

/** The events of a log with this name. */
export const named = <P = unknown>(log: Received[], event: string): P[] => log.filter((r) => r.event === event).map((r) => r.payload as P);

/**
 * Starts the server for the suite (one per backend) and gives the helpers tests use. Clients are
 * closed after each test; a payload that fails validation fails the test that received it.
 */
export function useMarketplace(backend: Backend, options: StartOptions = {}) {
  let server: TestProtocolServer | undefined;
  let userCount = 0;
  const clients: { close(): void }[] = [];
  const invalid: { event: string; problems: unknown }[] = [];

  beforeAll(async () => {
    server = await startTestServer('marketplace', backend, options);
  });
  afterEach(() => {
    clients.splice(0).forEach((c) => c.close());
    expect(invalid.splice(0), 'server payloads that do not match the spec').toEqual([]);
  });
  afterAll(async () => {
    await server?.close();
  });

  const srv = () => {
    if (server === undefined) throw new Error('the server starts in beforeAll');
    return server;
  };
  const clientOptions = (token: string, socket: object = {}) => ({
    auth: { token },
    validate: true,
    onInvalidPayload: (event: string, problems: unknown) => invalid.push({ event, problems }),
    socket: { ...SOCKET, ...socket },
  });

  /** Listens to every server event of a namespace through the validating binding. */
  function logged<C extends { on(event: never, listener: never): unknown; socket: { once(event: 'disconnect', fn: (reason: string) => void): unknown } }>(
    client: C,
    namespace: '/chat' | '/presence',
  ): Connection<C> {
    const log: Received[] = [];
    const closed = new Promise<string>((resolve) => client.socket.once('disconnect', resolve));
    for (const event of specEvents[namespace].server) {
      (client.on as (e: string, l: (p: unknown) => void) => void)(event, (payload) => log.push({ event, payload }));
    }
    clients.push(client as unknown as { close(): void });
    return { client, log, closed };
  }

  const helpers = {
    get server() {
      return srv();
    },
    get url() {
      return srv().url;
    },
    /** Replaces the server by a restarted one on the same store. */
    async restart() {
      clients.splice(0).forEach((c) => c.close());
      server = await srv().restart();
    },
    /** A new user of `role` (a fresh id), or the user `id` of `role`, with a valid token. */
    async user(role: Role, id = ++userCount + 1000): Promise<User> {
      return { role, id, token: await srv().token(String(id), { type: role }) };
    },
    /** A `/presence` socket (not waited for). */
    presence(token: string, socket: object = {}): PresenceConnection {
      return logged(connectMarketplacePresence(srv().url, clientOptions(token, socket)), '/presence');
    },
    /** A `/chat` socket (not waited for). */
    chat(token: string, socket: object = {}): ChatConnection {
      return logged(connectMarketplaceChat(srv().url, clientOptions(token, socket)), '/chat');
    },
    /** A `/chat` socket of an online user, once it got `userChats` and `offlineMessages`. */
    async openChat(user: User) {
      const chat = helpers.chat(user.token);
      const userChats = await received<T.UserChatsPayload>(chat.log, 'userChats');
      const offlineMessages = await received<T.OfflineMessagesPayload>(chat.log, 'offlineMessages');
      return { chat, userChats, offlineMessages };
    },
    /** The user online: `/presence` first, then `/chat`, as the protocol requires. */
    async online(user: User): Promise<Session> {
      const presence = helpers.presence(user.token);
      await presence.client.ready();
      return { user, presence, ...(await helpers.openChat(user)) };
    },
    /** Sends a message and waits for the sender's `receiveMessage` of it; returns the message. */
    async send(from: Session, to: User, productId: string, text: string, extra: Partial<T.SendMessagePayload> = {}): Promise<T.Message> {
      const before = from.chat.log.length;
      from.chat.client.sendMessage({ productId, recipientId: to.id, text, ...extra });
      const got = await received<T.ReceiveMessagePayload>(from.chat.log, 'receiveMessage', (p) => p.data[0]!.text === text, before);
      return got.data[0]!;
    },
    /** Waits for an `appError` on a connection after `from` (not the answer to a `settle` probe). */
    appError(connection: Connection<unknown>, from = 0) {
      return received<T.AppErrorPayload>(connection.log, 'appError', (p) => !isProbe(p), from);
    },
    /**
     * Makes sure a connection has received everything emitted to it so far: a round trip whose
     * answer comes after any earlier emit to that socket. The probe is a payload field the server
     * does not know, answered with an `appError` naming it (see `isProbe`).
     */
    async settle(connection: ChatConnection) {
      // An invalid payload of a known event: handled in order with the socket's other events.
      const probe = `${PROBE}${++probeCount}`;
      (connection.client.socket.emit as (event: string, payload: unknown) => void)('getUserChats', { [probe]: true });
      await received<T.AppErrorPayload>(connection.log, 'appError', (p) => p.data?.field === probe);
    },
  };
  return helpers;
}

export type Marketplace = ReturnType<typeof useMarketplace>;
