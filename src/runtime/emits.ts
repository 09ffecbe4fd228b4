// Emitting to a spec's recipients (CONVENTIONS.md §4.1) over Socket.IO rooms: a user's sockets
// are in `user:<key>`, a conversation's subscribers in `conversation:<id>`.
import type { Namespace, Socket } from 'socket.io';
import { PayloadError, conversationRoom, userRoom } from './errors.js';
import type { Validate } from './namespace-spec.js';

/** Who receives an emit (CONVENTIONS.md §4.1), as handler code names them. */
export type Recipient =
  | 'socket'
  | 'actor'
  | 'namespace'
  | { readonly user: string | readonly string[] }
  | { readonly conversation: string }
  /** The conversation's participants except the actor. */
  | { readonly others: string };

/** Server-initiated emits (from HTTP endpoints, timers…): recipients are users, conversations or everyone. */
export type ServerRecipient = 'namespace' | { readonly user: string | readonly string[] } | { readonly conversation: string };

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

/** Throws a {@link PayloadError} when outgoing validation is on and a payload does not match the spec. */
export function checkOutgoing(validate: Validate | undefined, namespace: string, event: string, payload: unknown): void {
  if (!validate) return;
  const problems = validate(namespace, 'server', event, payload);
  if (problems.length) throw new PayloadError(event, problems, 'server');
}

/** An emitter for a namespace outside any client event, validating like handler emits. */
export function namespaceEmitter(nsp: Namespace, validate: Validate, options: { readonly validateOutgoing?: boolean }) {
  const validateOutgoing = options.validateOutgoing ?? process.env.NODE_ENV !== 'production';
  return (event: string, payload: unknown, to: ServerRecipient | readonly ServerRecipient[]): void => {
    checkOutgoing(validateOutgoing ? validate : undefined, nsp.name, event, payload);
    emitToRecipients(nsp, undefined, undefined, event, payload, to);
  };
}
