/**
 * The mock's `authenticate` for a namespace (CONVENTIONS.md §2.1): any well-formed JWT is
 * accepted (decoded, not verified; the user id and attributes are read from its claims, which
 * must match the spec's claims schema); a missing or malformed one is refused as the spec says.
 * With `--auth trust`, the spec's trust mode is accepted too (`auth.userid`, or an announce event).
 */
import { decodeJwt } from 'jose';
import { ProtocolError } from '../../src/runtime/errors.js';
import { claimsAuthenticator, type AuthMode, type ClaimsReader } from '../../src/auth/authenticator.js';
import { ClaimsRules } from '../../src/auth/claims.js';
import type { Credential, Identity } from '../../src/runtime/server.js';
import type { NamespaceModel, ProtocolModel } from '../../src/spec/model.js';
import { parsePath, setPath } from '../../src/spec/paths.js';

export type { AuthMode };

/** What a successful handshake tells the mock: the identity, and the raw user id (a number where ids are). */
export interface MockIdentity extends Identity {
  readonly rawId: string | number;
}

/** A token's claims, decoded and not verified: the mock accepts any well-formed JWT. */
const decodedClaims: ClaimsReader = async (token) => {
  try {
    return decodeJwt(token) as Record<string, unknown>;
  } catch {
    throw new ProtocolError('unauthenticated', 'Malformed token: expected a JWT (header.payload.signature)');
  }
};

/**
 * The mock's authenticate: the reference servers' (src/auth), with tokens decoded instead of
 * verified. Claims that do not match the spec's claims schema, or no user id at the spec's
 * claim path, are refused (`unauthenticated`) as the servers refuse them.
 */
export function authenticator(model: ProtocolModel, ns: NamespaceModel, auth: AuthMode): (credential: Credential) => Promise<MockIdentity | null> {
  const authenticate = claimsAuthenticator(model, ns, decodedClaims, auth);
  const rules = ns.socketio.handshake.jwt ? new ClaimsRules(model, ns) : undefined;
  return async (credential) => {
    const identity = await authenticate(credential);
    if (!identity) return null;
    const raw = identity.claims && rules ? rules.userIdIn(identity.claims) : undefined;
    return { userId: identity.userId, attributes: identity.attributes ?? {}, rawId: typeof raw === 'number' ? raw : identity.userId };
  };
}

/** Makes an unsigned-looking JWT (signature "mock") with these claims: what the playground and tests use. */
export function mockToken(claims: Readonly<Record<string, unknown>>): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}.${Buffer.from('parley-mock').toString('base64url')}`;
}

/** Claims for a user of a namespace: the user id at the spec's claim path, a role, a name. */
export function claimsFor(ns: NamespaceModel, userId: string | number, options: { role?: string; name?: string } = {}): Record<string, unknown> {
  const jwt = ns.socketio.handshake.jwt;
  const claims: Record<string, unknown> = { iat: Math.floor(Date.now() / 1000) };
  setPath(claims, parsePath(jwt?.userId ?? 'sub'), userId);
  const roles = ns.socketio.handshake.roles;
  for (const [name, path] of Object.entries(jwt?.attributes ?? {})) {
    if (roles && name === roles.attribute) setPath(claims, parsePath(path), options.role ?? roles.allowed[0]);
    else if (/^name$/i.test(name) && options.name) setPath(claims, parsePath(path), options.name);
    else if (/^first_?name$/i.test(name) && options.name) setPath(claims, parsePath(path), options.name.split(' ')[0]);
    else if (/^last_?name$/i.test(name) && options.name && options.name.includes(' ')) setPath(claims, parsePath(path), options.name.split(' ').slice(1).join(' '));
  }
  return claims;
}
