// What a handler gets besides the payload: who is acting, and emits that go through the spec's
// recipients (validated first when outgoing validation is on).
import type { Namespace, Socket } from 'socket.io';
import { conversationRoom } from './errors.js';
import { checkOutgoing, emitToRecipients, type Recipient } from './emits.js';
import type { ConnectionState } from './handshake.js';
import type { NamespaceSpec, Validate } from './namespace-spec.js';

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

/** The names a handler emitted while it ran, when its sequence is being checked. */
export interface EmitRecorder {
  emitted?: string[];
}

/** The base context of one connection; its getters follow the state (an announce event sets it later). */
export function createContext(
  socket: Socket,
  spec: NamespaceSpec,
  state: ConnectionState,
  validate: Validate | undefined,
  recorder: EmitRecorder,
): HandlerContext {
  const nsp = socket.nsp;
  return {
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
      checkOutgoing(validate, spec.path, event, payload);
      emitToRecipients(nsp, socket, state.userKey, event, payload, to);
      recorder.emitted?.push(event);
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
}

/**
 * A namespace's typed handler context: the base context, with `emit` typed by the generated stub
 * and any helpers (dynamic event names) added. Delegates to the base, so its getters stay live.
 */
export function extendContext<T>(base: HandlerContext, helpers: Record<string, unknown> = {}): T {
  return Object.assign(Object.create(base) as object, { emit: base.emitTo.bind(base) }, helpers) as T;
}
