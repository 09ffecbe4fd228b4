/** Minting tokens in the shape a spec's handshake expects (for `parley token`, tests and demos). */
import { SignJWT } from 'jose';
import type { NamespaceModel, ProtocolModel } from '../spec/model.js';
import { parsePath, setPath } from '../spec/paths.js';
import { ClaimsRules } from './claims.js';
import { DEFAULT_ISSUER, signingKey, type JwtKey } from './keys.js';

export interface TokenRequest {
  readonly user: string;
  /** Attribute values by attribute name (`{ type: 'customer' }`), placed at their claim paths. */
  readonly attributes?: Readonly<Record<string, string>>;
  /** Extra claims merged in (a display name…). */
  readonly claims?: Readonly<Record<string, unknown>>;
  /** Lifetime, as jose reads it (`1h`, `7d`). */
  readonly expiresIn?: string;
  /** `iss` (default {@link DEFAULT_ISSUER}). */
  readonly issuer?: string;
  /** `aud` (default: the protocol's name, which its servers require). */
  readonly audience?: string;
}

/** The JWT handshake namespace of a protocol (the first namespace that has one). */
export function jwtNamespace(model: ProtocolModel): NamespaceModel {
  const ns = model.namespaces.find((n) => n.socketio.handshake.jwt);
  if (!ns) throw new Error(`${model.protocol} has no JWT handshake`);
  return ns;
}

/**
 * Builds the claims of a token for `request`, shaped by the spec, and checks them against it.
 *
 * @example claimsFor(marketplace, { user: '2', attributes: { type: 'customer' } }) // { data: { id: 2 }, types: ['customer'] }
 */
export function claimsFor(model: ProtocolModel, request: TokenRequest): Record<string, unknown> {
  const rules = new ClaimsRules(model, jwtNamespace(model));
  const claims: Record<string, unknown> = { ...request.claims };
  const id = rules.userIdType() === 'integer' || rules.userIdType() === 'number' ? Number(request.user) : request.user;
  setPath(claims, parsePath(rules.userIdPath), id);
  for (const [name, value] of Object.entries(request.attributes ?? {})) {
    const path = rules.attributes[name];
    if (!path) throw new Error(`${model.protocol} tokens have no attribute '${name}' (known: ${Object.keys(rules.attributes).join(', ') || 'none'})`);
    setPath(claims, parsePath(path), value);
  }
  const problem = rules.problem(claims);
  if (problem) throw new Error(problem);
  return claims;
}

/** Signs a token for `request`. */
export async function mintToken(model: ProtocolModel, key: JwtKey, request: TokenRequest): Promise<string> {
  return new SignJWT(claimsFor(model, request))
    .setProtectedHeader({ alg: key.algorithm })
    .setIssuedAt()
    .setIssuer(request.issuer ?? DEFAULT_ISSUER)
    .setAudience(request.audience ?? model.protocol)
    .setExpirationTime(request.expiresIn ?? '12h')
    .sign(await signingKey(key));
}
