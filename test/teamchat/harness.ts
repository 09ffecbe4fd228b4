/**
 * A teamchat reference server per suite, and clients that check every payload they receive
 * against the spec: any invalid payload fails the test that got it.
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { connectTeamchat, type TeamchatClient } from '../../generated/teamchat/client.js';
import type { ErrorPayload } from '../../generated/teamchat/types.js';
import { validate } from '../../generated/teamchat/validators.js';
import type { AuthMode } from '../../src/auth/authenticator.js';
import { REALM } from '../../src/teamchat/session.js';
import { nextEvent, recordEvents } from '../helpers/net.js';
import { startTestServer, type TestProtocolServer } from '../helpers/servers.js';
import type { Backend } from '../storage/backends.js';

export interface Client extends TeamchatClient {
  /** Every event this client received, in order. */
  readonly log: { event: string; payload: unknown }[];
}

export interface Teamchat {
  /** The running server (replaced by `restart`). */
  server(): TestProtocolServer;
  /** A connected client of `user` (with a JWT unless `token: false`). */
  connect(user: string, options?: { token?: boolean; claims?: Record<string, unknown> }): Promise<Client>;
  /** A connected client that sent `connectRooms` and got its rooms. */
  enter(user: string): Promise<Client>;
  /** A group made in the core directly (setup for tests of other features); returns its id. */
  group(creator: string, members: readonly string[], name?: string): Promise<string>;
  /** A fresh user id, unique in the suite. */
  user(name: string): string;
  restart(): Promise<void>;
}

let counter = 0;

export function useTeamchat(backend: Backend, options: { authMode?: AuthMode; mediaMaxBytes?: number } = {}): Teamchat {
  let server: TestProtocolServer | undefined;
  const clients: Client[] = [];
  const invalid: string[] = [];

  beforeAll(async () => {
    server = await startTestServer('teamchat', backend, options);
  });
  afterEach(() => {
    clients.splice(0).forEach((c) => c.close());
    const found = invalid.splice(0);
    expect(found, 'payloads from the server that the spec does not allow').toEqual([]);
  });
  afterAll(async () => {
    await server?.close();
  });

  const current = () => {
    if (server === undefined) throw new Error('the server starts in beforeAll');
    return server;
  };

  const connect: Teamchat['connect'] = async (user, opts = {}) => {
    const token = opts.token === false ? undefined : await current().token(user, undefined, opts.claims);
    const client = connectTeamchat(current().url, {
      auth: token === undefined ? ({} as { token: string }) : { token },
      validate: true,
      onInvalidPayload: (event, problems) => invalid.push(`${event}: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`),
      socket: { transports: ['websocket'], reconnection: false },
    }) as Client;
    Object.defineProperty(client, 'log', { value: recordEvents(client.socket) });
    // Dynamic names ({userId}) have no typed listener here: check every event as it arrives.
    client.socket.onAny((event: string, payload: unknown) => {
      const problems = validate('/', 'server', event, payload);
      if (problems.length) invalid.push(`${event}: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
    });
    clients.push(client);
    await client.ready();
    return client;
  };

  return {
    server: current,
    connect,
    async enter(user) {
      const client = await connect(user);
      const rooms = nextEvent(client.socket, 'connectRooms');
      client.connectRooms({ user_id: user });
      await rooms;
      return client;
    },
    async group(creator, members, name = 'Team') {
      const core = current().core;
      const users = await core.ensureUsers(REALM, [creator, ...members]);
      const group = await core.createGroup({ creatorId: users.get(creator)!.id, name, memberIds: members.map((m) => users.get(m)!.id) });
      return group.conversation.id;
    },
    user: (name) => `${name}-${++counter}`,
    async restart() {
      server = await current().restart();
    },
  };
}

/** Sends any payload, valid or not, bypassing the typed binding (and its validation). */
export function sendRaw(client: Client, event: string, payload: unknown): void {
  (client.socket.emit as unknown as (event: string, payload: unknown) => void)(event, payload);
}

/** The next `error` event of a client. */
export function nextError(client: Client): Promise<ErrorPayload> {
  return nextEvent<ErrorPayload>(client.socket, 'error');
}

/** The events a client received, by name (the payloads). */
export function received(client: Client, event: string): unknown[] {
  return client.log.filter((e) => e.event === event).map((e) => e.payload);
}
