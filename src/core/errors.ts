/**
 * The core's one error type. Its `kind` is the vocabulary of CONVENTIONS.md §5, so a protocol
 * adapter turns any `ChatError` into the protocol's error event without a mapping table of its
 * own: `{ statusCode: error.status, message: error.message, field: error.field }`.
 */
import { ERROR_STATUS, type ErrorKind } from '../spec/vocabulary.js';

export type { ErrorKind } from '../spec/vocabulary.js';

/** A request the core refused, or could not carry out. */
export class ChatError extends Error {
  override readonly name = 'ChatError';
  /** The HTTP-like status of `kind` (403 for forbidden, …). */
  readonly status: number;
  /** The input field at fault, as a dotted path of the core's input (when there is one). */
  readonly field: string | undefined;

  constructor(
    readonly kind: ErrorKind,
    message: string,
    options: { field?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = ERROR_STATUS[kind];
    this.field = options.field;
  }
}

/** Whether `error` is a `ChatError`, optionally of one kind. */
export function isChatError(error: unknown, kind?: ErrorKind): error is ChatError {
  return error instanceof ChatError && (kind === undefined || error.kind === kind);
}

/** `notFound`: "Conversation 665f… not found". */
export function notFound(what: string, id: string): ChatError {
  return new ChatError('notFound', `${what} ${id} not found`);
}

/** `forbidden`, with the reason. */
export function forbidden(reason: string): ChatError {
  return new ChatError('forbidden', reason);
}

/** `invalidRequest`, with the reason. */
export function invalidRequest(reason: string, field?: string): ChatError {
  return new ChatError('invalidRequest', reason, field === undefined ? {} : { field });
}

/** `invalidPayload`: a value of the core's input breaks a rule (length, shape). */
export function invalidPayload(field: string, reason: string): ChatError {
  return new ChatError('invalidPayload', `${field} ${reason}`, { field });
}
