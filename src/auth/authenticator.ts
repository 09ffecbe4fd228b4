/**
 * Handshake authentication for the reference servers: verifies the JWT a spec's handshake names
 * (signature, expiry, claims shape), or, in trust mode, takes the id the original clients sent.
 */
import { jwtVerify, errors as joseErrors } from 'jose';
import { ProtocolError } from '../runtime/errors.js';
import type { Credential, Identity } from '../runtime/server.js';
import type { NamespaceModel, ProtocolModel } from '../spec/model.js';
import { ClaimsRules } from './claims.js';
import { CLOCK_TOLERANCE_SECONDS, DEFAULT_ISSUER, verificationKey, type JwtKey } from './keys.js';

export type AuthMode = 'jwt' | 'trust';

export interface AuthenticatorOptions {
  readonly key: JwtKey;
  /** `jwt` (default): a verified token is required. `trust`: also accept the original clients' unverified ids. */
  readonly mode?: AuthMode;
  /** The `iss` a token must carry: the deployment that minted it (default {@link DEFAULT_ISSUER}). */
  readonly issuer?: string;
  /** The `aud` a token must carry (default: the protocol's name), so one protocol's token opens no other. */
  readonly audience?: string;
}

/** Identity attributes every server may rely on: the display name and picture, where claims carry them. */
export interface AuthenticatedIdentity extends Identity {
  readonly claims?: Readonly<Record<string, unknown>>;
}

/** Reads a token's claims, or throws a ProtocolError (`unauthenticated`) saying why it is refused. */
export type ClaimsReader = (token: string) => Promise<Record<string, unknown>>;

/** Verifies a token (signature, algorithm, `iss`, `aud`, expiry) and returns its claims. */
export function verifiedClaims(model: ProtocolModel, options: AuthenticatorOptions): ClaimsReader {
  const keyPromise = verificationKey(options.key);
  const verifyOptions = {
    algorithms: [options.key.algorithm],
    issuer: options.issuer ?? DEFAULT_ISSUER,
    audience: options.audience ?? model.protocol,
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
  };
  return async (token) => {
    try {
      return (await jwtVerify(token, await keyPromise, verifyOptions)).payload;
    } catch (error) {
      throw new ProtocolError('unauthenticated', refusal(error));
    }
  };
}

/**
 * The `authenticate` of one namespace, given how tokens are read: the claims must fit the spec's
 * claims schema and carry a user id; the identity's attributes are read where the spec says. In
 * trust mode the original clients' unverified id (or an announce event) is accepted too.
 */
export function claimsAuthenticator(model: ProtocolModel, namespace: NamespaceModel, readClaims: ClaimsReader, mode: AuthMode = 'jwt'): (credential: Credential) => Promise<AuthenticatedIdentity | null> {
  const handshake = namespace.socketio.handshake;
  const rules = handshake.jwt ? new ClaimsRules(model, namespace) : undefined;
  return async (credential) => {
    if (credential.token && rules) {
      const claims = await readClaims(credential.token);
      const problem = rules.problem(claims);
      if (problem) throw new ProtocolError('unauthenticated', problem);
      const userId = rules.userIdIn(claims);
      if (userId === undefined) throw new ProtocolError('unauthenticated', `the token has no ${rules.userIdPath}`);
      return { userId: String(userId), attributes: rules.attributesIn(claims), claims };
    }
    if (mode === 'trust') {
      if (credential.trustedUserId) return { userId: credential.trustedUserId, attributes: {} };
      // The identity comes from the announce event (rooms' `connected`, teamchat's `connectRooms`).
      if (handshake.trust?.announce) return null;
    }
    throw new ProtocolError('unauthenticated', credential.token ? 'a token is not accepted here' : 'a token is required (auth.token)');
  };
}

/** The reference servers' `authenticate` of one namespace: verified tokens (and trust mode where configured). */
export function createAuthenticator(model: ProtocolModel, namespace: NamespaceModel, options: AuthenticatorOptions): (credential: Credential) => Promise<AuthenticatedIdentity | null> {
  return claimsAuthenticator(model, namespace, verifiedClaims(model, options), options.mode);
}

/** Why a token was refused: a sentence for the client, the same status (401) whatever the cause. */
function refusal(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'the token has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'the token is not for this protocol (aud)';
    if (error.claim === 'iss') return 'the token is from another issuer (iss)';
    if (error.claim === 'nbf') return 'the token is not valid yet (nbf)';
    return `the token's ${error.claim} claim is invalid`;
  }
  return error instanceof joseErrors.JOSEError ? 'the token is invalid' : 'the token could not be read';
}
