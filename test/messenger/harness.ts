/**
 * The messenger reference server under test, and its users: each test names its users with a
 * fresh prefix, so tests sharing a server never see each other's threads, presence or counts.
 * Every event a client receives is checked against the spec's validators, and `expectAllValid`
 * fails the test on the first payload that is not.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { connectMessenger, type MessengerClient } from '../../generated/messenger/client.js';
import { validate } from '../../generated/messenger/validators.js';
import type { AuthMode } from '../../src/auth/authenticator.js';
import { startTestServer, type TestProtocolServer } from '../helpers/servers.js';
import { waitFor } from '../helpers/net.js';
import type { Backend } from '../storage/backends.js';

export interface Received {
  readonly event: string;
  readonly payload: unknown;
}

/** A connected user: the typed client, and every event it received, in order. */
export interface Tab {
  readonly user: string;
  readonly client: MessengerClient;
  readonly log: Received[];
  /** The events received, by name, in order. */
  events(): string[];
  /** The payloads of one event, in order. */
  payloads<T = Record<string, unknown>>(event: string): T[];
  /** Waits until `count` events of this name arrived (default 1); returns the last. */
  next<T = Record<string, unknown>>(event: string, count?: number): Promise<T>;
  /** Sends any event with any payload, as a misbehaving client would (no client-side checks). */
  raw(event: string, payload: unknown): void;
  /** Forgets what was received so far. */
  clear(): void;
  close(): void;
}

export interface Harness {
  readonly server: () => TestProtocolServer;
  /** A token for a user (minted once per user and claims). */
  token(user: string, claims?: { name?: string; picture?: string }): Promise<string>;
  /** A fresh set of user ids for one test: `ids('ada', 'grace')` → `['ada-1f2e', 'grace-1f2e']`. */
  users<const N extends readonly string[]>(...names: N): { [K in keyof N]: string };
  /** Connects a user with a token (claims: `name`, `picture`), waits until they count as online. */
  connect(user: string, claims?: { name?: string; picture?: string }, options?: { online?: boolean }): Promise<Tab>;
  /** Connects with the original clients' `auth.userid` (trust mode). */
  connectTrusted(user: string): Promise<Tab>;
  /** Waits until the user's presence is `online`. */
  waitOnline(user: string, online?: boolean): Promise<void>;
  /** Waits until an asynchronous check holds (server-side state the clients cannot see). */
  eventually(check: () => Promise<boolean>, what: string): Promise<void>;
  /** The core's id of a wire user id. */
  internalId(user: string): Promise<string>;
  /** Replaces the server by a restarted one on the same store. */
  restart(): Promise<void>;
}

/** Problems with payloads the server sent, over the whole file. */
const invalid: string[] = [];

function recordInvalid(event: string, payload: unknown): void {
  const problems = validate('/', 'server', event, payload);
  if (problems.length > 0) invalid.push(`${event}: ${problems.map((p) => p.message).join('; ')} in ${JSON.stringify(payload)}`);
}

/**
 * A reference server on a fresh store of `backend` for the suite, with clients closed after each
 * test and every received payload validated.
 */
export function useMessengerServer(backend: Backend, options: { authMode?: AuthMode; mediaMaxBytes?: number } = {}): Harness {
  let server: TestProtocolServer | undefined;
  const tabs: Tab[] = [];
  // Minting compiles the claims schema each time (~200 ms on a busy machine): once per user.
  const tokens = new Map<string, Promise<string>>();
  const token = (user: string, claims?: { name?: string; picture?: string }): Promise<string> => {
    const key = JSON.stringify([user, claims ?? {}]);
    let minted = tokens.get(key);
    if (minted === undefined) {
      minted = current().token(user, claims);
      tokens.set(key, minted);
    }
    return minted;
  };

  beforeAll(async () => {
    server = await startTestServer('messenger', backend, options);
  });
  afterEach(() => {
    for (const tab of tabs.splice(0)) tab.close();
    expect(invalid.splice(0), 'server payloads that do not match the spec').toEqual([]);
  });
  afterAll(async () => {
    await server?.close();
  });

  const current = (): TestProtocolServer => {
    if (server === undefined) throw new Error('the server starts in beforeAll');
    return server;
  };

  const internalId = async (user: string): Promise<string> => {
    const found = await current().core.findUser('messenger', user);
    if (found === null) throw new Error(`no user ${user}`);
    return found.id;
  };

  const eventually = async (check: () => Promise<boolean>, what: string): Promise<void> => {
    const deadline = Date.now() + 5000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };

  const waitOnline = (user: string, online = true): Promise<void> =>
    eventually(async () => {
      const found = await current().core.findUser('messenger', user);
      return found !== null && (await current().core.isOnline(found.id)) === online;
    }, `${user} to be ${online ? 'online' : 'offline'}`);

  /**
   * Waits until the server has finished this socket's connection work (its onConnect emits to
   * counterparts), so that a test's next step does not race it: the server handles a socket's
   * events in order after that work, so the answer to an unknown event comes after it. The
   * probe's error is then dropped from the log.
   */
  const settled = async (tab: Tab): Promise<void> => {
    const probe = `probe-${randomBytes(3).toString('hex')}`;
    tab.raw(probe, {});
    await waitFor(() => tab.log.some((r) => r.event === 'error' && (r.payload as { event?: string }).event === probe), `the connection of ${tab.user} to settle`, 5000);
    const at = tab.log.findIndex((r) => r.event === 'error' && (r.payload as { event?: string }).event === probe);
    tab.log.splice(at, 1);
  };

  const open = async (user: string, auth: { token: string } | { userid: string }, waitUntilOnline: boolean): Promise<Tab> => {
    const client = connectMessenger(current().url, {
      auth,
      validate: true,
      onInvalidPayload: (event, problems, payload) => invalid.push(`${event}: ${problems.map((p) => p.message).join('; ')} in ${JSON.stringify(payload)}`),
      socket: { transports: ['websocket'], reconnection: false },
    });
    const log: Received[] = [];
    client.socket.onAny((event: string, payload: unknown) => {
      recordInvalid(event, payload);
      log.push({ event, payload });
    });
    const tab: Tab = {
      user,
      client,
      log,
      events: () => log.map((r) => r.event),
      payloads: <T,>(event: string) => log.filter((r) => r.event === event).map((r) => r.payload as T),
      async next<T>(event: string, count = 1) {
        await waitFor(() => log.filter((r) => r.event === event).length >= count, `${count} '${event}' at ${user} (got ${log.map((r) => r.event).join(', ') || 'nothing'})`, 5000);
        return log.filter((r) => r.event === event)[count - 1]!.payload as T;
      },
      raw: (event, payload) => void (client.socket.emit as unknown as (event: string, payload: unknown) => void)(event, payload),
      clear: () => void log.splice(0),
      close: () => client.close(),
    };
    tabs.push(tab);
    await client.ready();
    if (waitUntilOnline) await waitOnline(user);
    await settled(tab);
    return tab;
  };

  return {
    server: current,
    token,
    users: (...names) => {
      const suffix = randomBytes(3).toString('hex');
      return names.map((n) => `${n}-${suffix}`) as never;
    },
    connect: async (user, claims, opts) => open(user, { token: await token(user, claims) }, opts?.online ?? true),
    connectTrusted: (user) => open(user, { userid: user }, true),
    waitOnline,
    eventually,
    internalId,
    restart: async () => {
      for (const tab of tabs.splice(0)) tab.close();
      server = await current().restart();
    },
  };
}

/** The JSON of an HTTP call to the server. */
export async function api(
  server: TestProtocolServer,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  return { status: response.status, body };
}

/** A `sendMessage` payload. */
export function text(from: string, to: string, message: string, messageid = `c-${randomBytes(4).toString('hex')}`) {
  return { messageid, senderid: from, receiverid: to, message };
}

/** Real file headers, enough for the server's content sniffing. */
export const FILES = {
  png: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), Buffer.from('IHDR'), Buffer.alloc(64, 7)]),
  pdf: Buffer.from('%PDF-1.7\n% a tiny document\n'),
  html: Buffer.from('<!doctype html><script>alert(1)</script>'),
};
