/**
 * Core refusals as the rooms protocol's error event. The core speaks of "conversations" and of
 * its own input fields; a rooms client knows "rooms" and payload fields, so both are translated
 * here, once, instead of in every handler.
 */
import { ProtocolError } from '../../generated/rooms/server.js';
import { isChatError } from '../core/errors.js';

/** A core input field → the payload field a rooms client sent it in, per event. */
export type FieldMap = Readonly<Record<string, string>>;

/**
 * The error to throw from a handler for `error`: a `ChatError` becomes a `ProtocolError` of the
 * same kind (its message in room words, its field mapped or dropped); anything else is returned
 * unchanged, so the stub reports it as a 500 without internals.
 *
 * @example
 * throw asProtocolError(new ChatError('notFound', 'Conversation 66a… not found')) // ProtocolError notFound 'Room 66a… not found'
 */
export function asProtocolError(error: unknown, fields: FieldMap = {}): unknown {
  if (!isChatError(error)) return error;
  const field = error.field === undefined ? undefined : fields[error.field];
  return new ProtocolError(error.kind, inRoomWords(error.kind, error.message), field, { cause: error });
}

/** Runs core work, turning its refusals into protocol errors. */
export async function refusing<T>(work: () => Promise<T>, fields: FieldMap = {}): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asProtocolError(error, fields);
  }
}

function inRoomWords(kind: string, message: string): string {
  if (kind === 'forbidden' && message.startsWith('Not a participant')) return 'Not a participant of this room';
  if (kind === 'notFound' && message.startsWith('Conversation ')) return `Room ${message.slice('Conversation '.length)}`;
  return message;
}
