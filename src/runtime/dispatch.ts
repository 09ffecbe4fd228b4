// Dispatch of one connection's client events: admitted by flow control, queued in arrival order,
// validated, the identity checked, the handler run, its emits checked against the spec's sequence,
// and any failure turned into the protocol's error event (the socket stays connected).
import type { Socket } from 'socket.io';
import type { HandlerContext, EmitRecorder } from './context.js';
import { ProtocolError, failureOf, illFormedText, userRoom, valueAt, type ErrorKind, type Failure } from './errors.js';
import type { SocketGate } from './flow-control.js';
import type { ConnectionState } from './handshake.js';
import type { NamespaceSpec, Validate } from './namespace-spec.js';
import { sequenceProblem } from './sequence.js';

export interface Dispatch {
  readonly spec: NamespaceSpec;
  readonly handlers: Record<string, unknown>;
  readonly validate: Validate;
  /** The context handlers get (the generated stub's typed one). */
  readonly context: HandlerContext;
  readonly state: ConnectionState;
  readonly recorder: EmitRecorder;
  readonly gate?: SocketGate;
  readonly isOnline?: (userKey: string, namespace: string) => boolean | Promise<boolean>;
  readonly sendError: (socket: Socket, failure: Failure) => void;
  /** Reports a handler whose emits do not follow the spec's sequence; undefined when not checked. */
  readonly reportSequence?: (message: string) => void;
  readonly logger?: { warn(details: object, message: string): void; error(details: object, message: string): void };
}

interface Lifecycle {
  onConnect?: (ctx: HandlerContext) => unknown;
  onDisconnect?: (ctx: HandlerContext, reason: string) => unknown;
}

/** Serves one connected socket until it disconnects. */
export function dispatchEvents(socket: Socket, d: Dispatch): void {
  const { spec, handlers, state, gate, logger } = d;
  const lifecycle = handlers as Lifecycle;
  const fail = (kind: ErrorKind, message: string, event?: string) => d.sendError(socket, failureOf(kind, message, event));
  const run = async (event: string | undefined, work: () => unknown) => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ProtocolError) {
        d.sendError(socket, failureOf(error.kind, error.message, event, error.field));
      } else {
        logger?.error({ err: error, namespace: spec.path, event }, 'handler failed');
        fail('internal', 'internal error', event);
      }
      return undefined;
    }
  };

  // Events are handled one at a time per socket, in arrival order (a chat's messages must not
  // overtake each other), and only after the connection's own work (requirements, onConnect).
  // Listeners are registered at once, so nothing a client sends early is dropped.
  let queue: Promise<unknown> = (async () => {
    if (spec.requiresOnline && state.userKey) {
      const online = (await d.isOnline?.(state.userKey, spec.path)) ?? true;
      if (!online) {
        fail(spec.requiresOnline.kind, spec.requiresOnline.message);
        // Only this namespace: other namespaces multiplexed on the connection stay up.
        socket.disconnect();
        return;
      }
    }
    if (lifecycle.onConnect) await run(undefined, () => lifecycle.onConnect!(d.context));
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
      fail('rateLimited', refusal, event);
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
    process.nextTick(() => enqueue(async () => fail('invalidRequest', message, name)));
  });

  for (const e of spec.events) {
    socket.on(e.wire, (...args: unknown[]) => {
      // A callback the spec has no acknowledgement for is dropped, never called.
      const callback = typeof args[args.length - 1] === 'function' ? (args.pop() as (r: unknown) => void) : undefined;
      const ack = e.ack ? callback : undefined;
      if (!admitted(e.wire)) return;
      // An event sent with no argument counts as `{}` when the spec's payload accepts an empty
      // object (requests such as marketplace `joinRooms` carry nothing).
      const payload = args[0] === undefined && d.validate(spec.path, 'client', e.wire, {}).length === 0 ? {} : args[0];
      enqueue(() =>
        run(e.wire, async () => {
          const problem = d.validate(spec.path, 'client', e.wire, payload)[0];
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
          const checked = d.reportSequence && e.sequence ? (d.recorder.emitted = []) : undefined;
          let result: unknown;
          try {
            result = await handler.call(handlers, payload, d.context);
          } finally {
            d.recorder.emitted = undefined;
          }
          if (checked) {
            const problem = sequenceProblem(e.sequence!, checked);
            if (problem) d.reportSequence!(`${spec.protocol ?? 'protocol'} ${spec.path} '${e.wire}': ${problem}`);
          }
          ack?.(result);
        }),
      );
    });
  }

  socket.on('disconnect', (reason) => {
    gate?.close();
    if (lifecycle.onDisconnect) queue = queue.then(() => run(undefined, () => lifecycle.onDisconnect!(d.context, reason)));
  });
}
