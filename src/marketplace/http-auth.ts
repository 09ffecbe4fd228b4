/**
 * The users of marketplace's HTTP endpoints: the same JWT as the socket handshake, as a Bearer
 * token (or, where a browser cannot set headers, `?token=`), verified by the same authenticator.
 */
import type { IncomingMessage } from 'node:http';
import { HttpError } from '../server/http.js';
import { requestIdentity, type Authenticate } from '../auth/http.js';
import type { Role } from './identity.js';

export type { Authenticate };

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
  const identity = await requestIdentity(authenticate, request, url, { namespace: '/chat', queryToken: options.fromQuery });
  const role = identity.attributes?.['type'] as Role;
  if (!options.roles.includes(role)) throw new HttpError(403, `role '${String(role)}' may not use this endpoint`);
  return { role, externalId: identity.userId };
}
