/**
 * The users of marketplace's HTTP endpoints: the same JWT as the socket handshake, as a Bearer
 * token (or, where a browser cannot set headers, `?token=`), verified by the same authenticator.
 */
import type { IncomingMessage } from 'node:http';
import { HttpError, bearerToken } from '../server/http.js';
import { ProtocolError } from '../../generated/runtime/errors.js';
import type { Credential, Handshake, Identity } from '../../generated/runtime/server.js';
import type { Role } from './identity.js';

export type Authenticate = (credential: Credential) => Promise<Identity | null>;

/** Who made a request: their role and wire id. */
export interface RequestUser {
  readonly role: Role;
  readonly externalId: string;
}

/**
 * The verified user of a request; 401 without a valid token, 403 for a role not in `roles`.
 *
 * @param fromQuery also accept the token as `?token=` (links in `<img src>`)
 */
export async function requestUser(
  authenticate: Authenticate,
  request: IncomingMessage,
  url: URL,
  options: { roles: readonly Role[]; fromQuery?: boolean },
): Promise<RequestUser> {
  const token = bearerToken(request) ?? (options.fromQuery === true ? (url.searchParams.get('token') ?? undefined) : undefined);
  if (token === undefined) throw new HttpError(401, 'a Bearer token is required');
  let identity: Identity | null;
  try {
    // The authenticator reads the token only; the rest of a handshake means nothing over HTTP.
    const handshake = { headers: request.headers, query: {}, auth: {} } as unknown as Handshake;
    identity = await authenticate({ namespace: '/chat', token, handshake });
  } catch (error) {
    if (error instanceof ProtocolError) throw new HttpError(error.status, error.message);
    throw error;
  }
  if (identity === null) throw new HttpError(401, 'a Bearer token is required');
  const role = identity.attributes?.['type'] as Role;
  if (!options.roles.includes(role)) throw new HttpError(403, `role '${String(role)}' may not use this endpoint`);
  return { role, externalId: identity.userId };
}
