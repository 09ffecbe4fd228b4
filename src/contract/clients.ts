/**
 * The runner's connections: each "tab" is one socket.io-client connection of a user, with a socket
 * per namespace (the `presence` namespace first, as the spec's `requires` asks), recording every
 * event each socket receives, in order.
 */
import { Manager, type Socket } from 'socket.io-client';
import type { NamespaceSpec } from '../runtime/namespace-spec.js';
import { barrier } from './barrier.js';
import type { Credentials, HandshakeParts } from './credentials.js';
import type { TestUser } from './users.js';

export interface Received {
  readonly event: string;
  readonly payload: unknown;
}

/** Why a socket could not connect: `connect_error`'s data, or the error event before a disconnect. */
export interface Refusal {
  readonly kind: 'connectError' | 'errorEvent' | 'timeout' | 'disconnected';
  readonly data?: unknown;
  readonly message: string;
}

export class TabSocket {
  readonly log: Received[] = [];

  constructor(
    readonly tab: Tab,
    readonly namespace: string,
    readonly socket: Socket,
  ) {
    socket.onAny((event: string, payload: unknown) => this.log.push({ event, payload }));
  }

  /** `ada#1 /chat`. */
  get label(): string {
    return `${this.tab.label} ${this.namespace}`;
  }

  get id(): string {
    return this.socket.id ?? '';
  }
}

export interface TabOptions {
  readonly url: string;
  readonly timeoutMs: number;
}

/** One connection of a user. */
export class Tab {
  readonly sockets = new Map<string, TabSocket>();
  private readonly manager: Manager;

  private constructor(
    readonly user: TestUser,
    readonly label: string,
    private readonly options: TabOptions,
    parts: HandshakeParts,
  ) {
    this.manager = new Manager(options.url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: options.timeoutMs,
      query: parts.query,
      extraHeaders: parts.extraHeaders,
    });
  }

  /** Opens a tab of `user` on the given namespaces, in order; throws a {@link RefusedError} when one refuses. */
  static async open(user: TestUser, index: number, namespaces: readonly NamespaceSpec[], credentials: Credentials, options: TabOptions): Promise<Tab> {
    const first = namespaces[0];
    const parts = first ? await credentials.handshake(user, first) : {};
    const tab = new Tab(user, `${user.label}#${index}`, options, parts);
    try {
      for (const spec of namespaces) await tab.connect(spec, (await credentials.handshake(user, spec)).auth);
    } catch (error) {
      tab.close();
      throw error;
    }
    return tab;
  }

  /** A tab whose handshake carries exactly `parts` (the handshake cases' bad credentials). */
  static bare(user: TestUser, label: string, parts: HandshakeParts, options: TabOptions): Tab {
    return new Tab(user, label, options, parts);
  }

  /** Connects a namespace; resolves when connected, rejects with the refusal. */
  connect(spec: NamespaceSpec, auth?: Record<string, unknown>): Promise<TabSocket> {
    const socket = this.manager.socket(spec.path, { auth: auth ?? {} });
    const tabSocket = new TabSocket(this, spec.path, socket);
    this.sockets.set(spec.path, tabSocket);
    return new Promise((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => done(new RefusedError({ kind: 'timeout', message: `no answer to the handshake of ${spec.path} within ${this.options.timeoutMs} ms` })), this.options.timeoutMs);
      const done = (error?: RefusedError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.off('connect', onConnect);
        socket.off('connect_error', onError);
        socket.off('disconnect', onDisconnect);
        if (error) reject(error);
        else resolve(tabSocket);
      };
      // A server that refuses with its error event (or a failed `requires`) accepts the transport
      // first, then disconnects: connected means its barrier is answered.
      const onConnect = () =>
        void barrier(tabSocket, spec, this.options.timeoutMs).then((result) => {
          if (result === 'answered') done();
        });
      const onError = (err: Error & { data?: unknown }) => done(new RefusedError({ kind: 'connectError', data: err.data, message: err.message }));
      const onDisconnect = () => {
        const last = tabSocket.log[tabSocket.log.length - 1];
        done(new RefusedError({ kind: last ? 'errorEvent' : 'disconnected', data: last?.payload, message: last ? `${last.event} then disconnected` : 'disconnected by the server' }));
      };
      socket.on('connect', onConnect);
      socket.on('connect_error', onError);
      socket.on('disconnect', onDisconnect);
    });
  }

  socket(namespace: string): TabSocket | undefined {
    return this.sockets.get(namespace);
  }

  close(): void {
    for (const s of this.sockets.values()) s.socket.close();
    this.manager.engine?.close();
  }
}

export class RefusedError extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
    this.name = 'RefusedError';
  }
}
