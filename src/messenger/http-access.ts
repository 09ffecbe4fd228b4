/**
 * Who is calling an HTTP endpoint: the same credential as the socket handshake, sent as
 * `Authorization: Bearer <token>` (or `?token=` where a browser cannot set headers: an
 * `<img src>`). In trust mode (`--auth trust`, for the original clients, which sent no token) a
 * request without a token is taken to be from the user it names, as the socket's `auth.userid` is.
 */
import type { IncomingMessage } from 'node:http';
import { ProtocolError } from '../../generated/messenger/server.js';
import { namespaceAuthenticator, type AdapterDeps } from '../server/adapter.js';
import { HttpError } from '../server/http.js';
import type { MediaAccess } from '../server/media-route.js';
import { requestIdentity, type Authenticate } from '../auth/http.js';
import type { ProtocolModel } from '../spec/model.js';
import type { Directory } from './directory.js';

export type { Authenticate };

/** A test of the spec's `UserId` schema (length and pattern), read from the spec so the two cannot drift. */
export function userIdTest(model: ProtocolModel): (value: unknown) => value is string {
  const schema = model.schemas.UserId as { pattern?: string; minLength?: number; maxLength?: number } | undefined;
  const pattern = new RegExp(schema?.pattern ?? '^[A-Za-z0-9_.:-]+$', 'u');
  const min = schema?.minLength ?? 1;
  const max = schema?.maxLength ?? 64;
  return (value): value is string => typeof value === 'string' && value.length >= min && value.length <= max && pattern.test(value);
}

/**
 * The handshake authenticator of `/`. A trust-mode id is unverified and may be anything: one
 * that is not a valid user id is refused here, before it could reach a payload.
 */
export function messengerAuthenticator(deps: AdapterDeps): Authenticate {
  const authenticate = namespaceAuthenticator(deps);
  const isUserId = userIdTest(deps.model);
  return async (credential) => {
    const identity = await authenticate(credential);
    if (identity !== null && !isUserId(identity.userId)) {
      throw new ProtocolError('unauthenticated', 'the user id must be 1 to 64 characters of A-Z a-z 0-9 _ . : -');
    }
    return identity;
  };
}

export class HttpAccess {
  readonly isUserId: (value: unknown) => value is string;

  constructor(
    private readonly authenticate: Authenticate,
    model: ProtocolModel,
  ) {
    this.isUserId = userIdTest(model);
  }

  /**
   * The caller's wire id; 401 without a valid credential.
   *
   * @param options.claimed the user the request names (trust mode takes it when there is no token)
   * @param options.queryToken also accept `?token=`
   */
  async caller(request: IncomingMessage, url: URL, options: { claimed?: unknown; queryToken?: boolean } = {}): Promise<string> {
    const identity = await requestIdentity(this.authenticate, request, url, {
      namespace: '/',
      queryToken: options.queryToken,
      claimed: typeof options.claimed === 'string' ? options.claimed : undefined,
    });
    return identity.userId;
  }

  /**
   * The caller, who must be the user `userid` names: 401 without a valid credential, 400 when
   * `userid` is not a user id, 403 when it is someone else.
   */
  async callerAs(request: IncomingMessage, url: URL, userid: unknown, field = 'userid'): Promise<string> {
    const caller = await this.caller(request, url, { claimed: userid });
    if (!this.isUserId(userid)) throw new HttpError(400, `${field} must be a user id (1 to 64 characters of A-Z a-z 0-9 _ . : -)`);
    if (userid !== caller) throw new HttpError(403, `${field} must be the authenticated user`);
    return caller;
  }
}

/** Ids the core makes (and any id a client could be given): longer or odder ones name nothing. */
const MEDIA_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Who may fetch a file sent with `sendMedia` (`GET /media/:id`): the two participants of its
 * thread and its uploader, as the core rules. The credential may also come as `?token=` (an
 * `<img src>`), or in trust mode as `?userid=`.
 */
export function mediaAccess(access: HttpAccess, directory: Directory): MediaAccess<string> {
  return {
    ids: MEDIA_ID,
    caller: (request, url) => access.caller(request, url, { queryToken: true, claimed: url.searchParams.get('userid') ?? undefined }),
    userId: (caller) => directory.ensure(caller),
  };
}
