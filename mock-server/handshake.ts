/**
 * The mock's `authenticate` for a namespace (CONVENTIONS.md §2.1): any well-formed JWT is
 * accepted (decoded, not verified; the user id and attributes are read from its claims, which
 * must match the spec's claims schema); a missing or malformed one is refused as the spec says.
 * With `--auth trust`, the spec's trust mode is accepted too (`auth.userid`, or an announce event).
 */
import { decodeJwt } from 'jose';
import { ProtocolError } from '../src/runtime/errors.js';
import type { Credential, Identity } from '../src/runtime/server.js';
import type { NamespaceModel } from '../src/spec/model.js';
import { getPath, parsePath, setPath } from '../src/spec/paths.js';
import type { SchemaChecker } from './validation.js';

export type AuthMode = 'jwt' | 'trust';

/** What a successful handshake tells the mock: the identity, and the raw user id (a number where ids are). */
export interface MockIdentity extends Identity {
  readonly rawId: string | number;
}

/**
 * The mock's authenticate: decodes a JWT without verifying it. A malformed token, claims that
 * do not match the spec's claims schema, or no user id at the spec's claim path are refused
 * (`unauthenticated`).
 */
export function authenticator(ns: NamespaceModel, auth: AuthMode, checker: SchemaChecker): (credential: Credential) => MockIdentity | null {
  const jwt = ns.socketio.handshake.jwt;
  const trust = ns.socketio.handshake.trust;
  const userIdPath = parsePath(jwt?.userId ?? 'sub');
  const attributes = Object.entries(jwt?.attributes ?? {}).map(([name, path]) => ({ name, path: parsePath(path) }));
  return (credential) => {
    if (credential.token) {
      let claims: Record<string, unknown>;
      try {
        claims = decodeJwt(credential.token) as Record<string, unknown>;
      } catch {
        throw new ProtocolError('unauthenticated', 'Malformed token: expected a JWT (header.payload.signature)');
      }
      if (jwt?.claims) {
        const problems = checker.check(jwt.claims, claims);
        if (problems.length) throw new ProtocolError('unauthenticated', `Invalid token claims: ${problems[0]!.message}`);
      }
      const rawId = getPath(claims, userIdPath);
      if (rawId === undefined || rawId === null || rawId === '') throw new ProtocolError('unauthenticated', `The token has no user id (claim ${userIdPath.join('.')})`);
      const attrs: Record<string, unknown> = {};
      for (const a of attributes) {
        const v = getPath(claims, a.path);
        if (v !== undefined) attrs[a.name] = v;
      }
      return { userId: String(rawId), attributes: attrs, rawId: typeof rawId === 'number' ? rawId : String(rawId) };
    }
    if (auth === 'trust' && trust) {
      if (credential.trustedUserId) return { userId: credential.trustedUserId, attributes: {}, rawId: credential.trustedUserId };
      if (trust.announce) return null;
    }
    throw new ProtocolError('unauthenticated', 'A token is required');
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
