/**
 * Test helpers for the mock server: a mock on 127.0.0.1 and port 0, named client sockets that
 * record what they receive, and `settle`, which waits until every effect of the last client
 * event has reached every socket (never a sleep).
 */
import { io, type Socket } from 'socket.io-client';
import { validate as validateMarketplace } from '../../generated/marketplace/validators.js';
import { validate as validateMessenger } from '../../generated/messenger/validators.js';
import { validate as validateRooms } from '../../generated/rooms/validators.js';
import { validate as validateTeamchat } from '../../generated/teamchat/validators.js';
import { claimsFor, mockToken, startMock, type MockOptions, type MockServer } from '../../mock-server/index.js';
import { specPath } from '../helpers/specs.js';
import { waitFor } from '../helpers/net.js';

export type Protocol = 'messenger' | 'rooms' | 'marketplace' | 'teamchat';

/** The generated validators, the reference every payload is checked against. */
export const VALIDATORS: Record<Protocol, (ns: string, direction: 'client' | 'server', event: string, payload: unknown) => readonly { field: string; message: string }[]> = {
  messenger: validateMessenger,
  rooms: validateRooms,
  marketplace: validateMarketplace,
  teamchat: validateTeamchat,
};

/** The fixed clock the tests run on: timestamps are reproducible. */
export const NOW = Date.parse('2025-03-01T10:00:00.000Z');

const FENCE = '__parley_fence__';

export interface Received {
  readonly event: string;
  readonly payload: unknown;
}

export interface Peer {
  readonly name: string;
  readonly namespace: string;
  readonly socket: Socket;
  readonly userId: string | number;
  /** Everything received (fences excluded), in order. */
  readonly log: Received[];
  /** Index in `log` of the first event not taken yet. */
  mark: number;
}

const mocks: Session[] = [];

/** Closes every session a test started (call from afterEach). */
export async function closeSessions(): Promise<void> {
  await Promise.all(mocks.splice(0).map((m) => m.close()));
}

export class Session {
  readonly peers = new Map<string, Peer>();
  private fences = 0;

  private constructor(
    readonly protocol: Protocol,
    readonly mock: MockServer,
  ) {}

  /** Starts a mock of a project protocol (fixed clock, no fake conversations unless asked). */
  static async start(protocol: Protocol, options: Partial<MockOptions> = {}): Promise<Session> {
    const mock = await startMock({ spec: specPath(protocol), port: 0, seed: 1, now: NOW, fill: 0, ...options });
    const session = new Session(protocol, mock);
    mocks.push(session);
    return session;
  }

  get url(): string {
    return this.mock.url;
  }

  get errorEvent(): string {
    return this.protocol === 'marketplace' ? 'appError' : 'error';
  }

  /** A token for a user of a namespace (claims at the spec's paths). */
  token(userId: string | number, options: { role?: string; name?: string; namespace?: string } = {}): string {
    const ns = this.mock.protocol.namespace(options.namespace);
    return mockToken(claimsFor(ns.model, userId, options));
  }

  /** A raw socket (not recorded, not waited for). */
  socket(namespace: string, auth: Record<string, unknown> | undefined, extra: Parameters<typeof io>[1] = {}): Socket {
    const socket = io(`${this.url}${namespace === '/' ? '' : namespace}`, { auth, transports: ['websocket'], reconnection: false, forceNew: true, ...extra });
    this.raw.push(socket);
    return socket;
  }
  private readonly raw: Socket[] = [];

  /** Connects a named, recording peer and waits for the connection. */
  async connect(name: string, userId: string | number, options: { role?: string; name?: string; namespace?: string; token?: string } = {}): Promise<Peer> {
    const namespace = options.namespace ?? [...this.mock.protocol.namespaces.keys()][0]!;
    const token = options.token ?? this.token(userId, { ...options, namespace });
    const socket = io(`${this.url}${namespace === '/' ? '' : namespace}`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    const peer: Peer = { name, namespace, socket, userId, log: [], mark: 0 };
    socket.onAny((event: string, payload: unknown) => {
      if (JSON.stringify(payload ?? null).includes(FENCE)) return;
      peer.log.push({ event, payload });
    });
    this.peers.set(name, peer);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not connect`)), 5000);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('connect_error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    return peer;
  }

  /** Disconnects a peer and waits until the mock has seen it go. */
  async disconnect(name: string): Promise<void> {
    const peer = this.peer(name);
    const id = peer.socket.id;
    peer.socket.disconnect();
    this.peers.delete(name);
    await waitFor(() => !this.mock.protocol.sockets().some((s) => s.id === id), `${name} to disconnect`);
  }

  peer(name: string): Peer {
    const peer = this.peers.get(name);
    if (!peer) throw new Error(`no peer ${name}`);
    return peer;
  }

  /** Sends a client event from a peer, then waits until everything it caused has arrived everywhere. */
  async send(name: string, event: string, payload?: unknown): Promise<void> {
    const peer = this.peer(name);
    // The fence must reach the server after this event: socket.io dispatches a known event on
    // the next tick but calls onAny listeners at once, so an unknown event arriving in the same
    // read could be answered first (see the report on the generated runtime).
    const server = this.mock.io.of(peer.namespace).sockets.get(peer.socket.id ?? '');
    const received = new Promise<void>((resolve) => {
      const listener = (e: string) => {
        if (e !== event) return;
        server?.offAny(listener);
        resolve();
      };
      if (server) server.onAny(listener);
      else resolve();
    });
    if (payload === undefined) peer.socket.emit(event);
    else peer.socket.emit(event, payload);
    await received;
    await this.settle(name);
  }

  /**
   * Waits until the mock has answered everything `name` sent (an unknown event sent after it is
   * answered in order), then until every peer has received what was emitted before a fence.
   */
  async settle(name?: string): Promise<void> {
    const n = ++this.fences;
    if (name) {
      const peer = this.peer(name);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no fence reply for ${name}`)), 5000);
        const listener = (event: string, payload: unknown) => {
          if (event === this.errorEvent && JSON.stringify(payload).includes(`${FENCE}${n}`)) {
            clearTimeout(timer);
            peer.socket.offAny(listener);
            resolve();
          }
        };
        peer.socket.onAny(listener);
        peer.socket.emit(`${FENCE}${n}`);
      });
    }
    const seen = new Set<string>();
    for (const peer of this.peers.values()) {
      if (!peer.socket.connected) continue;
      const listener = (_event: string, payload: unknown) => {
        if (JSON.stringify(payload ?? null).includes(`fence-${n}`)) {
          seen.add(peer.name);
          peer.socket.offAny(listener);
        }
      };
      peer.socket.onAny(listener);
    }
    for (const ns of new Set([...this.peers.values()].map((p) => p.namespace))) {
      this.mock.protocol.emit({ namespace: ns, event: this.errorEvent, payload: { [FENCE]: `fence-${n}` }, to: 'namespace', allowInvalid: true });
    }
    const expected = [...this.peers.values()].filter((p) => p.socket.connected).map((p) => p.name);
    await waitFor(() => expected.every((e) => seen.has(e)), `fence ${n} at ${expected.join(', ')}`);
  }

  /**
   * The events each peer received since the last call, by name, after checking every payload
   * against the generated validators (an invalid one fails the test).
   */
  take(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const peer of this.peers.values()) {
      const fresh = peer.log.slice(peer.mark);
      peer.mark = peer.log.length;
      for (const r of fresh) {
        const problems = VALIDATORS[this.protocol](peer.namespace, 'server', r.event, r.payload);
        if (problems.length) throw new Error(`${peer.name} got an invalid '${r.event}': ${problems.map((p) => p.message).join('; ')}\n${JSON.stringify(r.payload)}`);
      }
      out[peer.name] = fresh.map((r) => r.event);
    }
    return out;
  }

  /** The payload of the last `event` a peer received. */
  last<T = Record<string, unknown>>(name: string, event: string): T {
    const found = [...this.peer(name).log].reverse().find((r) => r.event === event);
    if (!found) throw new Error(`${name} received no '${event}' (got: ${this.peer(name).log.map((r) => r.event).join(', ')})`);
    return found.payload as T;
  }

  async close(): Promise<void> {
    for (const peer of this.peers.values()) peer.socket.disconnect();
    for (const s of this.raw) s.disconnect();
    await this.mock.close();
  }
}

/** Calls the control API. */
export async function control<T = Record<string, unknown>>(session: Session, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${session.url}${path}`, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}
