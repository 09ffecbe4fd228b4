/**
 * Core refusals become the protocol's error event. The core names fields of its own input
 * (`text`, `bytes`); the client should hear the field of the payload it sent (`message`, `file`).
 */
import { ProtocolError } from '../../generated/messenger/server.js';
import { ChatError } from '../core/errors.js';

/** Core input fields, by the wire field of a messenger payload that carries them. */
const WIRE_FIELDS: Readonly<Record<string, string>> = {
  text: 'message',
  bytes: 'file',
  mimeType: 'mimeType',
  clientId: 'messageid',
};

/**
 * A `ChatError` as a `ProtocolError` (same kind and message; `field` in wire terms, or
 * `fallbackField` when the core named none). Anything else is returned unchanged: the stub
 * turns it into a 500 without internals.
 */
export function toProtocolError(error: unknown, fallbackField?: string): unknown {
  if (!(error instanceof ChatError)) return error;
  const field = error.field === undefined ? fallbackField : (WIRE_FIELDS[error.field] ?? fallbackField ?? error.field);
  return new ProtocolError(error.kind, error.message, field, { cause: error });
}

/**
 * Runs core work, rethrowing its refusals as protocol errors.
 *
 * @example
 * await inProtocolTerms(() => core.deleteMessage({ userId, messageId }), 'chatid');
 */
export async function inProtocolTerms<T>(work: () => Promise<T>, fallbackField?: string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toProtocolError(error, fallbackField);
  }
}
