/**
 * The core's refusals in a protocol's terms, for every adapter. A `ChatError` becomes the
 * runtime's `ProtocolError` of the same kind: both speak the conventions' error vocabulary, so
 * kind and status need no table. What differs between protocols is only the wording (which
 * payload field was at fault, the nouns of a message), and that is data each call passes in.
 */
import { ChatError, type ErrorKind } from '../core/errors.js';
import { ProtocolError } from '../runtime/errors.js';

/** Core input names → the payload fields that carried them (`{ text: 'message' }`). */
export type FieldMap = Readonly<Record<string, string>>;

/** How one call's refusals are said to the client. */
export interface Wording {
  /**
   * Core input fields by the payload field that carried them. The first segment of the core's
   * path is looked up and the rest kept: `mediaIds.2` with `{ mediaIds: 'messageMedias' }` is
   * `messageMedias.2`.
   */
  readonly fields?: FieldMap;
  /** The payload field at fault when `fields` does not name one (the core named none, or an input of its own). */
  readonly field?: string;
  /** The kinds `field` is said for (default: every kind). */
  readonly fieldKinds?: readonly ErrorKind[];
  /**
   * A core field that neither `fields` nor `field` covers: kept as the core named it, for
   * protocols whose payloads share the core's names (marketplace's `text`), or dropped, so that
   * the client never hears of an input it did not send (the default).
   */
  readonly unmapped?: 'keep' | 'drop';
  /** The message in the protocol's words (rooms says "room" where the core says "conversation"). */
  readonly message?: (error: ChatError) => string;
}

/**
 * The error to throw for `error`: a `ChatError` as a `ProtocolError` worded by `wording`;
 * anything else unchanged, so that the stub reports it as a 500 that reveals nothing.
 *
 * @example
 * toProtocolError(new ChatError('invalidPayload', 'text must not be empty', { field: 'text' }), { fields: { text: 'message' } })
 * // ProtocolError('invalidPayload', 'text must not be empty', 'message')
 */
export function toProtocolError(error: unknown, wording: Wording = {}): unknown {
  if (!(error instanceof ChatError)) return error;
  return new ProtocolError(error.kind, wording.message?.(error) ?? error.message, fieldOf(error, wording), { cause: error });
}

/**
 * Runs core work; a refusal of the core is rethrown in the protocol's terms.
 *
 * @example
 * await refusing(() => core.deleteMessage({ userId, messageId, conversationId }), { field: 'chatid' });
 */
export async function refusing<T>(work: () => Promise<T>, wording: Wording = {}): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toProtocolError(error, wording);
  }
}

function fieldOf(error: ChatError, wording: Wording): string | undefined {
  if (error.field !== undefined && wording.fields !== undefined) {
    const [head = '', ...rest] = error.field.split('.');
    if (Object.hasOwn(wording.fields, head)) return [wording.fields[head], ...rest].join('.');
  }
  if (wording.field !== undefined && (wording.fieldKinds?.includes(error.kind) ?? true)) return wording.field;
  return wording.unmapped === 'keep' ? error.field : undefined;
}
