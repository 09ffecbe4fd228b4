/** Handshake: where a credential is read, and what a client must send (CONVENTIONS.md §2.1). */
import type { HandshakeExt } from '../../spec/vocabulary.js';

export interface CredentialSource {
  /** `auth`, `headers` or `query`. */
  readonly in: 'auth' | 'headers' | 'query';
  readonly name: string;
  /** A TypeScript expression reading it from a socket.io `Handshake` called `h`. */
  readonly read: string;
}

function sourceOf(spec: string): CredentialSource {
  const [where, ...rest] = spec.split('.');
  const name = rest.join('.');
  const location = where as CredentialSource['in'];
  const key = JSON.stringify(location === 'headers' ? name.toLowerCase() : name);
  const read = location === 'auth' ? `h.auth?.[${key}]` : location === 'headers' ? `h.headers[${key}]` : `h.query[${key}]`;
  return { in: location, name, read };
}

export interface HandshakeView {
  readonly tokenSources: readonly CredentialSource[];
  readonly trustSource?: CredentialSource;
  readonly announce?: { readonly event: string; readonly path: readonly string[] };
  readonly onFailure: 'connectError' | 'errorEvent';
  readonly roles?: { readonly attribute: string; readonly allowed: readonly string[]; readonly counterpart: Readonly<Record<string, string>> };
  /** The `auth` option type of the generated client. */
  readonly clientAuthType: string;
}

/**
 * What generated code needs of a channel's handshake.
 *
 * @example handshakeView({ jwt: { token: ['auth.token'], … }, trust: { userId: 'auth.userid' }, onFailure: 'connectError' })
 *   .clientAuthType // '{ token: string } | { userid: string }'
 */
export function handshakeView(h: HandshakeExt): HandshakeView {
  const tokenSources = (h.jwt?.token ?? []).map(sourceOf);
  const trustSource = h.trust?.userId ? sourceOf(h.trust.userId) : undefined;
  const authTypes: string[] = [];
  if (tokenSources.some((s) => s.in === 'auth')) authTypes.push(`{ ${tokenSources.find((s) => s.in === 'auth')!.name}: string }`);
  if (trustSource?.in === 'auth') authTypes.push(`{ ${trustSource.name}: string }`);
  return {
    tokenSources,
    trustSource,
    announce: h.trust?.announce ? { event: h.trust.announce.event, path: h.trust.announce.path.split('.') } : undefined,
    onFailure: h.onFailure,
    roles: h.roles ? { attribute: h.roles.attribute, allowed: h.roles.allowed, counterpart: h.roles.counterpart ?? {} } : undefined,
    clientAuthType: authTypes.length ? authTypes.join(' | ') : 'Record<string, unknown>',
  };
}
