// Errors shared by generated servers and clients (asyncapi/CONVENTIONS.md §5).
import type { PayloadProblem } from './problems.js';

export type { PayloadProblem } from './problems.js';

export type ErrorKind = 'invalidPayload' | 'invalidRequest' | 'unauthenticated' | 'forbidden' | 'notFound' | 'payloadTooLarge' | 'rateLimited' | 'internal';

/** The fixed status of each error kind. */
export const ERROR_STATUS: Readonly<Record<ErrorKind, number>> = {
  invalidPayload: 400,
  invalidRequest: 400,
  unauthenticated: 401,
  forbidden: 403,
  notFound: 404,
  payloadTooLarge: 413,
  rateLimited: 429,
  internal: 500,
};

// The runtime exists in more than one copy in a process (this source, generated/runtime/, a
// team's own generated code), each with its own classes. A brand under a registered symbol lets
// `instanceof` recognise an error thrown by code that imported another copy.
const PROTOCOL_ERROR = Symbol.for('parley.ProtocolError');
const PAYLOAD_ERROR = Symbol.for('parley.PayloadError');
const branded = (value: unknown, brand: symbol): boolean => typeof value === 'object' && value !== null && brand in value;

/** A failure that becomes the protocol's error event (handlers throw it; the stub sends it). */
export class ProtocolError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(value, PROTOCOL_ERROR);
  }
  readonly [PROTOCOL_ERROR] = true;
  readonly status: number;
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly field?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ProtocolError';
    this.status = ERROR_STATUS[kind];
  }
}

/** A payload that does not match its schema (thrown by clients before sending, by servers before emitting). */
export class PayloadError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(value, PAYLOAD_ERROR);
  }
  readonly [PAYLOAD_ERROR] = true;
  constructor(
    readonly event: string,
    readonly problems: readonly PayloadProblem[],
    readonly direction: 'client' | 'server',
  ) {
    super(`${direction === 'server' ? 'server event' : 'event'} '${event}': ${problems.map((p) => p.message).join('; ')}`);
    this.name = 'PayloadError';
  }
}

/** What an error event is built from. */
export interface Failure {
  readonly kind: ErrorKind;
  readonly status: number;
  readonly message: string;
  readonly event?: string;
  readonly field?: string;
}

/** A failure of a kind, with its status. */
export function failureOf(kind: ErrorKind, message: string, event?: string, field?: string): Failure {
  return { kind, status: ERROR_STATUS[kind], message: clip(message, 500), event, field: field === undefined ? undefined : clip(field, 100) };
}

/**
 * Text from a client (a field name it made up, quoted in a message) repeated in an error stays
 * short: the error payload must fit its own schema, and an answer must not echo a flood.
 */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Bytes as Socket.IO carries them: a Node Buffer, a typed array, an ArrayBuffer or a Blob. */
export type Binary = ArrayBuffer | ArrayBufferView | Blob;

/** The room of every socket of a user (by user key). */
export const userRoom = (userKey: string): string => `user:${userKey}`;

/** The room of every socket subscribed to a conversation. */
export const conversationRoom = (conversationId: string): string => `conversation:${conversationId}`;

/** Reads a dotted path (`message.sender_id`) from a payload. */
export function valueAt(payload: unknown, path: readonly string[]): unknown {
  let node = payload;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** A lone surrogate: with the `u` flag, a well-formed pair is one code point and does not match. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The dotted path of the first string in a payload that is not well-formed Unicode (it holds a
 * lone surrogate, which JSON can carry but UTF-8, and so no database, can store), or undefined.
 * JSON Schema has no word for it, so servers check it after the schema.
 */
export function illFormedText(value: unknown, path: readonly string[] = []): string | undefined {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? path.join('.') || 'payload' : undefined;
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = illFormedText(item, [...path, key]);
    if (found !== undefined) return found;
  }
  return undefined;
}
