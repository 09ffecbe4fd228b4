// The protocol-independent half of every generated client binding (browsers and Node).
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { PayloadError, type PayloadProblem } from './errors.js';

/** A protocol's validation entry point, as generated validators provide it. */
export type Validate = (namespace: string, direction: 'client' | 'server', event: string, payload: unknown) => readonly PayloadProblem[];

export interface ClientOptions<Auth> {
  /** The handshake credential, where the spec says the server reads it. */
  readonly auth: Auth;
  /**
   * Check payloads against the spec: what this client sends (a bad one throws a
   * {@link PayloadError} before anything is sent) and what it receives (a bad one is given to
   * `onInvalidPayload` instead of the listeners). Off by default: it costs bundle size and time.
   */
  readonly validate?: boolean;
  /** Called with each received payload that fails validation. Default: console.warn. */
  onInvalidPayload?(event: string, problems: readonly PayloadProblem[], payload: unknown): void;
  /** Further socket.io-client options (transports, reconnection, extraHeaders in Node…). */
  readonly socket?: Partial<ManagerOptions & SocketOptions>;
}

type AnyListener = (...args: any[]) => void;
// socket.io's own EventsMap: an `any` index signature, which interfaces satisfy.
type EventsMap = { [event: string]: any };

/** The common part of generated clients: connection, validation and listener bookkeeping. */
export class ParleyClient<Listen extends EventsMap, Emit extends EventsMap> {
  /** The underlying socket.io-client socket, typed with the protocol's event maps. */
  readonly socket: Socket<Listen, Emit>;
  private readonly checks: boolean;

  constructor(
    url: string,
    private readonly namespace: string,
    private readonly options: ClientOptions<unknown>,
    private readonly validator: Validate,
  ) {
    const base = url.replace(/\/+$/, '');
    this.socket = io(`${base}${namespace === '/' ? '' : namespace}`, {
      ...options.socket,
      auth: options.auth as Record<string, unknown>,
    }) as Socket<Listen, Emit>;
    this.checks = options.validate === true;
  }

  /** Resolves once connected; rejects with the server's reason (`err.data`) if the handshake is refused. */
  ready(): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const ok = () => {
        this.socket.off('connect_error', ko);
        resolve();
      };
      const ko = (err: Error) => {
        this.socket.off('connect', ok);
        reject(err);
      };
      this.socket.once('connect', ok);
      this.socket.once('connect_error', ko);
    });
  }

  /** Disconnects for good. */
  close(): void {
    this.socket.disconnect();
  }

  protected send(event: string, payload: unknown): void {
    this.check('client', event, payload);
    (this.socket.emit as unknown as (event: string, ...args: unknown[]) => void)(event, payload);
  }

  protected sendWithAck(event: string, payload: unknown, timeoutMs = 10_000): Promise<unknown> {
    this.check('client', event, payload);
    return (this.socket.timeout(timeoutMs).emitWithAck as unknown as (event: string, ...args: unknown[]) => Promise<unknown>)(event, payload);
  }

  protected listen(event: string, validateAs: string, listener: AnyListener): () => void {
    const wrapped = (payload: unknown) => {
      if (this.checks) {
        const problems = this.validator(this.namespace, 'server', validateAs, payload);
        if (problems.length) {
          (this.options.onInvalidPayload ?? ((e, p) => console.warn(`parley: invalid '${e}' from the server: ${p.map((x) => x.message).join('; ')}`)))(event, problems, payload);
          return;
        }
      }
      listener(payload);
    };
    (this.socket.on as unknown as (event: string, l: AnyListener) => void)(event, wrapped);
    return () => (this.socket.off as unknown as (event: string, l: AnyListener) => void)(event, wrapped);
  }

  private check(direction: 'client', event: string, payload: unknown): void {
    if (!this.checks) return;
    const problems = this.validator(this.namespace, direction, event, payload);
    if (problems.length) throw new PayloadError(event, problems, direction);
  }
}
