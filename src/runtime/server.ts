// The protocol-independent half of every generated server stub: authentication, validation of
// what arrives, identity checks, recipients, and turning failures into the protocol's error event.
// Generated stubs describe their protocol as data (event tables) and hand it to these functions.
import type { Namespace, Server, Socket } from 'socket.io';
import { FlowControl, type FlowControlOptions, type SocketGate } from './flow-control.js';
import { sequenceProblem, type SequenceStep } from './sequence.js';
import { ERROR_STATUS, PayloadError, ProtocolError, conversationRoom, illFormedText, userRoom, valueAt, type ErrorKind, type Failure, type PayloadProblem } from './errors.js';

/** The handshake of a socket (socket.io does not export its type by name). */
export type Handshake = Socket['handshake'];

/** Who a connection belongs to, as the server's `authenticate` establishes it. */
export interface Identity {
  readonly userId: string;
  /** Facts from the credential (display name, role…), as the spec's handshake `attributes` name them. */
  readonly attributes?: Readonly<Record<string, unknown>>;
}

/** The credential of a handshake, read from where the spec says it is. */
export interface Credential {
  readonly namespace: string;
  /** The token, from the first of the spec's token sources that is present. */
  readonly token?: string;
  /** The unverified user id of trust mode, from the spec's trust source. */
  readonly trustedUserId?: string;
  readonly handshake: Handshake;
}

export interface Logger {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface AttachOptions {
  /**
   * Verifies a handshake's credential. Returns the identity; throws a {@link ProtocolError}
   * (`unauthenticated`, `forbidden`) to refuse; returns null only where the spec lets an event
   * announce the user (trust mode with `announce`).
   */
  authenticate(credential: Credential): Identity | null | Promise<Identity | null>;
  /** Validate every server emit against the spec. Default: on unless NODE_ENV is production. */
  readonly validateOutgoing?: boolean;
  /** Whether a user (by user key) counts as online, for namespaces that require it. */
  isOnline?(userKey: string, namespace: string): boolean | Promise<boolean>;
  readonly logger?: Logger;
  /**
   * Rate limits and queue bounds on client events (default: DEFAULT_FLOW_CONTROL, 20 events/s
   * burst 40 per socket). A refused event gets the error event with status 429; a socket that
   * keeps sending after refusals is disconnected. `false` turns flow control off.
   */
  readonly flowControl?: FlowControlOptions | false;
  /**
   * Check each handler's emits against the spec's sequence for its event (an emit the sequence
   * does not have, emits out of order, an unconditional emit missing): `log` reports a
   * violation as an error, `throw` also raises it outside the handler (an uncaught exception:
   * for tests, so that a server that does not follow its spec fails them), `false` skips the
   * check. Default: `log` when outgoing validation is on.
   */
  readonly checkSequences?: 'log' | 'throw' | false;
}

/** Who receives an emit (CONVENTIONS.md §4.1), as handler code names them. */
export type Recipient =
  | 'socket'
  | 'actor'
  | 'namespace'
  | { readonly user: string | readonly string[] }
  | { readonly conversation: string }
  /** The conversation's participants except the actor. */
  | { readonly others: string };

/** A protocol's validation entry point, as generated validators provide it. */
export type Validate = (namespace: string, direction: 'client' | 'server', event: string, payload: unknown) => readonly PayloadProblem[];

/** One client event of a namespace, as a generated stub describes it. */
export interface ClientEventSpec {
  readonly wire: string;
  readonly method: string;
  /** Request fields that must equal the connected user. */
  readonly actor: readonly (readonly string[])[];
  readonly ack: boolean;
  /** The emits the spec orders after the event (checked when `checkSequences` is on). */
  readonly sequence?: readonly SequenceStep[];
}

/** One namespace of a protocol, as a generated stub describes it. */
export interface NamespaceSpec {
  /** The protocol's name, for messages. */
  readonly protocol?: string;
  readonly path: string;
  readonly events: readonly ClientEventSpec[];
  readonly tokenSources: readonly ((h: Handshake) => unknown)[];
  readonly trustSource?: (h: Handshake) => unknown;
  readonly announce?: { readonly event: string; readonly path: readonly string[] };
  readonly onFailure: 'connectError' | 'errorEvent';
  readonly roles?: { readonly attribute: string; readonly allowed: readonly string[]; readonly counterpart: Readonly<Record<string, string>> };
  readonly requiresOnline?: { readonly kind: ErrorKind; readonly message: string };
  readonly errorEvent: string;
  readonly errorPayload: (e: Failure) => unknown;
  /** Builds the typed context handlers get, once per connection. */
  readonly context?: (base: HandlerContext) => unknown;
}

/** What a handler gets besides the payload. */
export interface HandlerContext {
  readonly socket: Socket;
  readonly namespace: Namespace;
  /** The connected user's id ('' only before an announce event, in trust mode). */
  readonly userId: string;
  /** The user's room key: the id, or `role:id` where the protocol has roles. */
  readonly userKey: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  /** Emits a server event to recipients; validated first when outgoing validation is on. */
  emitTo(event: string, payload: unknown, to: Recipient | readonly Recipient[]): void;
  /** The user key of another user: with roles, of the actor's counterpart role unless `role` is given. */
  userKeyOf(userId: string | number, role?: string): string;
  join(conversationId: string): void;
  leave(conversationId: string): void;
}

interface SocketState {
  identity?: Identity;
  userKey?: string;
}

const STATE = Symbol('parley');
type StatefulSocket = Socket & { [STATE]?: SocketState };

function firstString(readers: readonly ((h: Handshake) => unknown)[], h: Handshake): string | undefined {
  for (const read of readers) {
    const value = read(h);
    if (typeof value === 'string' && value.length > 0) return value;
    if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  }
  return undefined;
}

function keyOf(spec: NamespaceSpec, identity: Identity): string {
  if (!spec.roles) return identity.userId;
  return `${String(identity.attributes?.[spec.roles.attribute])}:${identity.userId}`;
}

/** Emits to recipients: one broadcast for the union of rooms (each socket once), `others` apart. */
export function emitToRecipients(nsp: Namespace, socket: Socket | undefined, actorKey: string | undefined, event: string, payload: unknown, to: Recipient | readonly Recipient[]): void {
  const list = (Array.isArray(to) ? to : [to]) as readonly Recipient[];
  if (list.includes('namespace')) {
    nsp.emit(event, payload);
    return;
  }
  const rooms: string[] = [];
  for (const r of list) {
    if (r === 'socket') {
      if (!socket) throw new Error(`'socket' has no meaning outside a client event`);
      rooms.push(socket.id);
    } else if (r === 'actor') {
      if (!actorKey) throw new Error(`'actor' has no meaning outside a client event`);
      rooms.push(userRoom(actorKey));
    } else if (typeof r !== 'object') {
      continue;
    } else if ('user' in r) {
      for (const u of typeof r.user === 'string' ? [r.user] : r.user) rooms.push(userRoom(u));
    } else if ('conversation' in r) {
      rooms.push(conversationRoom(r.conversation));
    } else if ('others' in r) {
      const op = nsp.to(conversationRoom(r.others));
      (actorKey ? op.except(userRoom(actorKey)) : op).emit(event, payload);
    }
  }
  if (rooms.length) nsp.to(rooms).emit(event, payload);
}

/**
 * Registers a namespace: handshake, identity, requirements, validation and dispatch of every
 * client event to its handler. Failures never reach the socket as exceptions: they become the
 * protocol's error event, and the socket stays connected.
 */
export function attachNamespace(
  io: Server,
  spec: NamespaceSpec,
  handlers: Record<string, unknown>,
  validate: Validate,
  options: AttachOptions,
): Namespace {
  const nsp = io.of(spec.path);
  const logger = options.logger;
  const validateOutgoing = options.validateOutgoing ?? process.env.NODE_ENV !== 'production';
  const flow = options.flowControl === false ? undefined : new FlowControl(options.flowControl);
  const checkSequences = options.checkSequences ?? (validateOutgoing ? 'log' : false);

  const sendError = (socket: Socket, failure: Failure) => {
    socket.emit(spec.errorEvent, spec.errorPayload(failure));
  };
  const failure = (kind: ErrorKind, message: string, event?: string, field?: string): Failure => ({ kind, status: ERROR_STATUS[kind], message, event, field });
  const reportSequence = (message: string) => {
    const error = new Error(`the handler does not follow the spec's sequence: ${message}`);
    logger?.error({ err: error, namespace: spec.path }, error.message);
    // Outside the handler: the client still gets its answer, and the process (a test run) fails.
    if (checkSequences === 'throw') {
      process.nextTick(() => {
        throw error;
      });
    }
  };

  nsp.use(async (socket: StatefulSocket, next) => {
    const h = socket.handshake;
    let identity: Identity | null;
    try {
      identity = await options.authenticate({
        namespace: spec.path,
        token: firstString(spec.tokenSources, h),
        trustedUserId: spec.trustSource ? firstString([spec.trustSource], h) : undefined,
        handshake: h,
      });
      if (identity === null && !spec.announce) throw new ProtocolError('unauthenticated', 'a credential is required');
      if (identity && spec.roles) {
        const role = identity.attributes?.[spec.roles.attribute];
        if (typeof role !== 'string' || !spec.roles.allowed.includes(role)) {
          throw new ProtocolError('forbidden', `role '${String(role)}' may not connect to ${spec.path}`);
        }
      }
    } catch (error) {
      const f = error instanceof ProtocolError ? failure(error.kind, error.message) : failure('unauthenticated', 'invalid credential');
      if (!(error instanceof ProtocolError)) logger?.warn({ err: error, namespace: spec.path }, 'authentication failed');
      if (spec.onFailure === 'connectError') {
        next(Object.assign(new Error(f.message), { data: { status: f.status, message: f.message } }));
      } else {
        // The protocol reports handshake failures with its error event: accept, tell, close.
        socket[STATE] = {};
        (socket.data as Record<string, unknown>).parleyHandshakeFailure = f;
        next();
      }
      return;
    }
    socket[STATE] = identity ? { identity, userKey: keyOf(spec, identity) } : {};
    next();
  });

  nsp.on('connection', (socket: StatefulSocket) => {
    // Node's EventEmitter throws on an 'error' event nobody listens to; socket.io emits one for
    // middleware errors, and a client may send an event by that name.
    socket.on('error', (err) => logger?.warn({ err, namespace: spec.path }, 'socket error'));
    const handshakeFailure = (socket.data as Record<string, unknown>).parleyHandshakeFailure as Failure | undefined;
    if (handshakeFailure) {
      sendError(socket, handshakeFailure);
      // Only this namespace: other namespaces multiplexed on the connection stay up.
      socket.disconnect();
      return;
    }
    const state = socket[STATE] ?? {};
    if (state.userKey) void socket.join(userRoom(state.userKey));
    // The events emitted through this socket's context by the handler running now, when checked.
    let emitted: string[] | undefined;
    const gate: SocketGate | undefined = flow?.open(state.userKey);

    const context: HandlerContext = {
      socket,
      namespace: nsp,
      get userId() {
        return state.identity?.userId ?? '';
      },
      get userKey() {
        return state.userKey ?? '';
      },
      get attributes() {
        return state.identity?.attributes ?? {};
      },
      emitTo(event, payload, to) {
        if (validateOutgoing) {
          const problems = validate(spec.path, 'server', event, payload);
          if (problems.length) throw new PayloadError(event, problems, 'server');
        }
        emitToRecipients(nsp, socket, state.userKey, event, payload, to);
        emitted?.push(event);
      },
      userKeyOf(userId, role) {
        if (!spec.roles) return String(userId);
        const own = String(state.identity?.attributes?.[spec.roles.attribute] ?? '');
        return `${role ?? spec.roles.counterpart[own] ?? own}:${String(userId)}`;
      },
      join(conversationId) {
        void socket.join(conversationRoom(conversationId));
      },
      leave(conversationId) {
        void socket.leave(conversationRoom(conversationId));
      },
    };

    const handlerContext = spec.context ? spec.context(context) : context;
    const lifecycle = handlers as { onConnect?: (ctx: HandlerContext) => unknown; onDisconnect?: (ctx: HandlerContext, reason: string) => unknown };
    const run = async (event: string | undefined, work: () => unknown) => {
      try {
        return await work();
      } catch (error) {
        if (error instanceof ProtocolError) {
          sendError(socket, failure(error.kind, error.message, event, error.field));
        } else {
          logger?.error({ err: error, namespace: spec.path, event }, 'handler failed');
          sendError(socket, failure('internal', 'internal error', event));
        }
        return undefined;
      }
    };

    // Events are handled one at a time per socket, in arrival order (a chat's messages must not
    // overtake each other), and only after the connection's own work (requirements, onConnect).
    // Listeners are registered at once, so nothing a client sends early is dropped.
    let queue: Promise<unknown> = (async () => {
      if (spec.requiresOnline && state.userKey) {
        const online = (await options.isOnline?.(state.userKey, spec.path)) ?? true;
        if (!online) {
          sendError(socket, failure(spec.requiresOnline.kind, spec.requiresOnline.message));
          // Only this namespace: other namespaces multiplexed on the connection stay up.
          socket.disconnect();
          return;
        }
      }
      if (lifecycle.onConnect) await run(undefined, () => lifecycle.onConnect!(handlerContext as HandlerContext));
    })();
    const enqueue = (work: () => Promise<unknown>) => {
      queue = queue.then(() => (socket.connected ? work() : undefined)).finally(() => gate?.done());
    };
    // Every client event passes the gate before anything is queued for it: a refusal costs the
    // server one error packet, and a socket that keeps pushing is cut off, its connection closed.
    const admitted = (event: string): boolean => {
      const refusal = gate?.admit(event);
      if (refusal === undefined) return true;
      if (gate!.exhausted) {
        logger?.warn({ namespace: spec.path, user: state.userKey, event }, 'disconnecting a socket that kept sending after being refused');
        socket.disconnect(true);
      } else {
        sendError(socket, failure('rateLimited', refusal, event));
      }
      return false;
    };

    const known = new Set(spec.events.map((e) => e.wire));
    socket.onAny((event: unknown) => {
      if (typeof event === 'string' && known.has(event)) return;
      // Whatever a client sends as an event name (a number, an object; socket.io even passes its
      // ack callback when a packet has an ack id and no data) is answered without repeating more
      // than a short string of it.
      const name = typeof event === 'string' ? (event.length > 100 ? `${event.slice(0, 100)}…` : event) : undefined;
      if (!admitted(name ?? '')) return;
      const message = name === undefined ? 'an event name must be a string' : `unknown event '${name}'`;
      // socket.io hands known events to their listeners a tick later (after its middleware);
      // waiting the same tick keeps an unknown event's error in arrival order with them.
      process.nextTick(() => enqueue(async () => sendError(socket, failure('invalidRequest', message, name))));
    });

    for (const e of spec.events) {
      socket.on(e.wire, (...args: unknown[]) => {
        // A callback the spec has no acknowledgement for is dropped, never called.
        const callback = typeof args[args.length - 1] === 'function' ? (args.pop() as (r: unknown) => void) : undefined;
        const ack = e.ack ? callback : undefined;
        // An event sent with no argument counts as `{}` when the spec's payload accepts an empty
        // object (requests such as marketplace `joinRooms` carry nothing).
        if (!admitted(e.wire)) return;
        const payload = args[0] === undefined && validate(spec.path, 'client', e.wire, {}).length === 0 ? {} : args[0];
        enqueue(() =>
          run(e.wire, async () => {
            const problems = validate(spec.path, 'client', e.wire, payload);
            const problem = problems[0];
            if (problem) throw new ProtocolError(problem.tooLarge ? 'payloadTooLarge' : 'invalidPayload', problem.message, problem.field);
            const illFormed = illFormedText(payload);
            if (illFormed !== undefined) throw new ProtocolError('invalidPayload', `${illFormed} is not well-formed Unicode (a lone surrogate)`, illFormed === 'payload' ? undefined : illFormed);
            if (spec.announce?.event === e.wire && !state.identity) {
              const announced = valueAt(payload, spec.announce.path);
              state.identity = { userId: String(announced) };
              state.userKey = String(announced);
              void socket.join(userRoom(state.userKey));
              gate?.identify(state.userKey);
            }
            if (!state.identity) throw new ProtocolError('unauthenticated', `send '${spec.announce?.event ?? 'a credential'}' first`);
            for (const path of e.actor) {
              const value = valueAt(payload, path);
              if (value !== undefined && String(value) !== state.identity.userId) {
                throw new ProtocolError('forbidden', `${path.join('.')} must be the connected user`, path.join('.'));
              }
            }
            const handler = handlers[e.method] as (payload: unknown, ctx: HandlerContext) => unknown;
            const checked = checkSequences && e.sequence ? (emitted = []) : undefined;
            let result: unknown;
            try {
              result = await handler.call(handlers, payload, handlerContext as HandlerContext);
            } finally {
              emitted = undefined;
            }
            if (checked) {
              const problem = sequenceProblem(e.sequence!, checked);
              if (problem) reportSequence(`${spec.protocol ?? 'protocol'} ${spec.path} '${e.wire}': ${problem}`);
            }
            ack?.(result);
          }),
        );
      });
    }

    socket.on('disconnect', (reason) => {
      gate?.close();
      if (lifecycle.onDisconnect) queue = queue.then(() => run(undefined, () => lifecycle.onDisconnect!(handlerContext as HandlerContext, reason)));
    });
  });

  return nsp;
}

/**
 * A namespace's typed handler context: the base context, with `emit` typed by the generated stub
 * and any helpers (dynamic event names) added. Delegates to the base, so its getters stay live.
 */
export function extendContext<T>(base: HandlerContext, helpers: Record<string, unknown> = {}): T {
  return Object.assign(Object.create(base) as object, { emit: base.emitTo.bind(base) }, helpers) as T;
}

/** Server-initiated emits (from HTTP endpoints, timers…): recipients are users, conversations or everyone. */
export type ServerRecipient = 'namespace' | { readonly user: string | readonly string[] } | { readonly conversation: string };

/** An emitter for a namespace outside any client event, validating like handler emits. */
export function namespaceEmitter(nsp: Namespace, validate: Validate, options: Pick<AttachOptions, 'validateOutgoing'>) {
  const validateOutgoing = options.validateOutgoing ?? process.env.NODE_ENV !== 'production';
  return (event: string, payload: unknown, to: ServerRecipient | readonly ServerRecipient[]): void => {
    if (validateOutgoing) {
      const problems = validate(nsp.name, 'server', event, payload);
      if (problems.length) throw new PayloadError(event, problems, 'server');
    }
    emitToRecipients(nsp, undefined, undefined, event, payload, to);
  };
}
