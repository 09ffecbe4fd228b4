/**
 * The caller of an HTTP endpoint (uploads, media, REST routes): the same credential as the
 * socket handshake, sent as `Authorization: Bearer <token>`, or as `?token=` where a browser
 * cannot set headers (an `<img src>`), checked by the same authenticator.
 */
import type { IncomingMessage } from 'node:http';
import { ProtocolError } from '../runtime/errors.js';
import type { Credential } from '../runtime/server.js';
import { bearerToken, HttpError } from '../server/http.js';
import type { AuthenticatedIdentity } from './authenticator.js';

export type Authenticate = (credential: Credential) => Promise<AuthenticatedIdentity | null>;

/** HTTP has no socket handshake: authenticators read only the token and the trusted id. */
const NO_HANDSHAKE = {} as Credential['handshake'];

export interface RequestIdentityOptions {
  /** The namespace whose handshake rules apply. */
  readonly namespace: string;
  /** Also accept the token as `?token=`. */
  readonly queryToken?: boolean;
  /** In trust mode, the user a token-less request names (as the socket's trusted id). */
  readonly claimed?: string;
}

/** The verified identity of a request; an HttpError 401 (or the authenticator's status) otherwise. */
export async function requestIdentity(authenticate: Authenticate, request: IncomingMessage, url: URL, options: RequestIdentityOptions): Promise<AuthenticatedIdentity> {
  const token = bearerToken(request) ?? (options.queryToken === true ? (url.searchParams.get('token') ?? undefined) : undefined);
  const missing = 'an Authorization: Bearer <token> header is required';
  let identity: AuthenticatedIdentity | null;
  try {
    identity = await authenticate({ namespace: options.namespace, token, trustedUserId: token === undefined ? options.claimed : undefined, handshake: NO_HANDSHAKE });
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    throw new HttpError(error.status, token === undefined ? missing : error.message);
  }
  if (identity === null) throw new HttpError(401, missing);
  return identity;
}
