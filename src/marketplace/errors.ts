/**
 * Refusals on their way to the client: the core's `ChatError` becomes the stub's
 * `ProtocolError` (same kind vocabulary, so no mapping table), which the stub sends as
 * `appError` with the status of its kind.
 */
import { ChatError } from '../core/index.js';
import { ProtocolError } from '../runtime/errors.js';

/** The `ProtocolError` for a core refusal; anything else is returned unchanged (a 500). */
export function toProtocolError(error: unknown, field?: string): unknown {
  if (error instanceof ChatError) return new ProtocolError(error.kind, error.message, field ?? error.field, { cause: error });
  return error;
}

/**
 * Runs `work`, turning a core refusal into a `ProtocolError`. `field` names the request field
 * at fault when the core's own field name means nothing to the client.
 *
 * @example
 * const chat = await refusing(() => core.getConversation(actor.user.id, chatId), 'chatId');
 */
export async function refusing<T>(work: () => Promise<T>, field?: string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toProtocolError(error, field);
  }
}
