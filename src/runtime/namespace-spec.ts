// What a generated stub tells the runtime about one namespace: data only, derived from the spec
// once (src/spec/namespace-spec.ts), used as it is by the mock and printed into generated stubs.
import type { Socket } from 'socket.io';
import type { ErrorKind, Failure, PayloadProblem } from './errors.js';
import type { HandlerContext } from './context.js';
import type { SequenceStep } from './sequence.js';

/** The handshake of a socket (socket.io does not export its type by name). */
export type Handshake = Socket['handshake'];

/** A protocol's validation entry point, as generated validators provide it. */
export type Validate = (namespace: string, direction: 'client' | 'server', event: string, payload: unknown) => readonly PayloadProblem[];

/** One client event of a namespace. */
export interface ClientEventSpec {
  readonly wire: string;
  readonly method: string;
  /** Request fields that must equal the connected user. */
  readonly actor: readonly (readonly string[])[];
  readonly ack: boolean;
  /** The emits the spec orders after the event (checked when `checkSequences` is on). */
  readonly sequence?: readonly SequenceStep[];
}

/** Where a handshake carries a credential (`auth.token`, `headers.token`, `query.token`). */
export interface CredentialSource {
  readonly in: 'auth' | 'headers' | 'query';
  /** The key; a header's name in lower case, as Node gives headers. */
  readonly name: string;
}

/** One field of the error event's payload: a failure's property, or a constant. */
export type ErrorField =
  | { readonly path: readonly string[]; readonly failure: keyof Failure }
  | { readonly path: readonly string[]; readonly value: unknown };

/** One namespace of a protocol. */
export interface NamespaceSpec {
  /** The protocol's name, for messages. */
  readonly protocol?: string;
  readonly path: string;
  readonly events: readonly ClientEventSpec[];
  /** Where the token is read, first present wins. */
  readonly tokenSources: readonly CredentialSource[];
  /** Where trust mode's unverified user id is read (the authenticator decides whether to trust it). */
  readonly trustSource?: CredentialSource;
  readonly announce?: { readonly event: string; readonly path: readonly string[] };
  readonly onFailure: 'connectError' | 'errorEvent';
  readonly roles?: { readonly attribute: string; readonly allowed: readonly string[]; readonly counterpart: Readonly<Record<string, string>> };
  readonly requiresOnline?: { readonly kind: ErrorKind; readonly message: string };
  readonly errorEvent: string;
  readonly errorFields: readonly ErrorField[];
  /** Builds the typed context handlers get, once per connection (generated stubs add it). */
  readonly context?: (base: HandlerContext) => unknown;
}

/** The first non-empty string among a handshake's sources (a repeated query key counts once). */
export function readCredential(sources: readonly CredentialSource[], h: Handshake): string | undefined {
  for (const source of sources) {
    const from = source.in === 'auth' ? (h.auth as Record<string, unknown> | undefined) : source.in === 'headers' ? h.headers : (h.query as Record<string, unknown>);
    const value = from?.[source.name];
    if (typeof value === 'string' && value.length > 0) return value;
    if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  }
  return undefined;
}

/** Where the error payload carries a failure's property (`status`, `event`…), if it does. */
export function failurePath(fields: readonly ErrorField[], property: keyof Failure): readonly string[] | undefined {
  for (const f of fields) if ('failure' in f && f.failure === property) return f.path;
  return undefined;
}

/** The error event's payload for a failure. */
export function errorPayload(fields: readonly ErrorField[], failure: Failure): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  for (const field of fields) {
    let node = payload;
    for (const key of field.path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    const value = 'failure' in field ? failure[field.failure] : field.value;
    if (value !== undefined) node[field.path[field.path.length - 1]!] = value;
  }
  return payload;
}
