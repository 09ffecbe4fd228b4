/**
 * Teamchat's companion HTTP routes: attachments are uploaded here, then sent in messages by URL.
 * See docs/teamchat-http.md.
 *
 * - `POST /api/v1/media`: the raw bytes as the body, their type as `Content-Type`, a bearer JWT.
 *   The size is limited and the type is checked against the content (the core's media store).
 *   Answers 201 with an attachment object to put in a message's `attachments` as it is.
 * - `GET /media/:id`: the file, to its uploader and to the members of the room it was sent in
 *   (the token in `Authorization`, or in `?token=` for an `<img src>`).
 *
 * Both need a JWT in every auth mode: the original had no upload, so no existing client sends
 * unverified ids to it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Attachment } from '../../generated/teamchat/types.js';
import { createAuthenticator } from '../auth/authenticator.js';
import { DEFAULT_MAX_MEDIA_BYTES } from '../core/index.js';
import type { AdapterDeps } from '../server/adapter.js';
import { bearerToken, HttpError, readBody, sendJson, type Route } from '../server/http.js';
import { requestIdentity } from '../auth/http.js';
import { mediaUrl } from './attachments.js';
import { REALM } from './session.js';

/** A file name for display, as `Attachment.name` allows. */
const MAX_NAME = 200;
const MEDIA_ID = /^[0-9a-f]{24}$/;
/** Types that say nothing about the content: the store sniffs it instead. */
const UNDECLARED = new Set(['', 'application/octet-stream']);

export function mediaRoutes(deps: AdapterDeps): Route[] {
  const namespace = deps.model.namespaces.find((n) => n.path === '/');
  if (namespace === undefined) throw new Error('teamchat: the spec has no / namespace');
  const authenticate = createAuthenticator(deps.model, namespace, deps.auth);

  /** The user id (the JWT's `sub`) of a request; 401 without a valid token (HTTP needs a JWT in every auth mode). */
  const userIdOf = async (request: IncomingMessage, url: URL, queryToken: boolean): Promise<string> => {
    if (bearerToken(request) === undefined && !(queryToken && url.searchParams.has('token'))) throw new HttpError(401, 'a bearer token is required (Authorization: Bearer <JWT>)');
    return (await requestIdentity(authenticate, request, url, { namespace: namespace.path, queryToken })).userId;
  };

  const upload: Route = {
    method: 'POST',
    path: '/api/v1/media',
    async handle(request, response, _params, url) {
      const externalId = await userIdOf(request, url, false);
      const name = url.searchParams.get('name') ?? undefined;
      if (name !== undefined && (name.length === 0 || name.length > MAX_NAME))
        throw new HttpError(400, `name must be 1 to ${MAX_NAME} characters`);
      const declared = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (declared.startsWith('multipart/'))
        throw new HttpError(415, 'send the file itself as the body, with its MIME type as Content-Type');
      // Read before any write: a refused body stores nothing, not even the user.
      const bytes = await readBody(request, DEFAULT_MAX_MEDIA_BYTES);
      const owner = (await deps.core.ensureUsers(REALM, [externalId])).get(externalId)!;
      const media = await deps.core.storeMedia({
        ownerId: owner.id,
        bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        ...(UNDECLARED.has(declared) ? {} : { mimeType: declared }),
      });
      const attachment: Attachment = { url: mediaUrl(deps.publicUrl(), media.id), mimeType: media.mimeType, size: media.size };
      if (name !== undefined) attachment.name = name;
      sendJson(response, 201, attachment);
    },
  };

  const download: Route = {
    method: 'GET',
    path: '/media/:id',
    async handle(request, response, params, url) {
      // `?token=` lets an <img src> carry the token (as the other protocols' media routes do); the header is preferred.
      const externalId = await userIdOf(request, url, true);
      const id = params['id'] ?? '';
      if (!MEDIA_ID.test(id)) throw new HttpError(404, `Media ${id.slice(0, 64)} not found`);
      const user = await deps.core.findUser(REALM, externalId);
      // A user the core has never seen owns nothing and is in no room.
      if (user === null) throw new HttpError(403, `Media ${id} is not shared with you`);
      const { media, bytes } = await deps.core.openMedia(user.id, id);
      sendBytes(response, media.mimeType, bytes);
    },
  };

  return [upload, download];
}

function sendBytes(response: ServerResponse, mimeType: string, bytes: Uint8Array): void {
  response.writeHead(200, {
    'content-type': mimeType,
    'content-length': bytes.byteLength,
    // Content-addressed and never changed, but only for those allowed: no shared caches.
    'cache-control': 'private, max-age=3600',
    'x-content-type-options': 'nosniff',
    // Opened directly, a file runs nothing (a PDF viewer, a crafted image): no scripts, no origin.
    'content-security-policy': "default-src 'none'; sandbox",
    'content-disposition': 'inline',
  });
  response.end(bytes);
}
