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
import type { IncomingMessage } from 'node:http';
import type { Attachment } from '../../generated/teamchat/types.js';
import { DEFAULT_MAX_MEDIA_BYTES } from '../core/index.js';
import type { AdapterDeps } from '../server/adapter.js';
import { bearerToken, HttpError, readBody, sendJson, type Route } from '../server/http.js';
import { requestIdentity, type Authenticate } from '../auth/http.js';
import { mediaRoute, mediaUrl } from '../server/media-route.js';
import { REALM } from './session.js';

/** A file name for display, as `Attachment.name` allows. */
const MAX_NAME = 200;
const MEDIA_ID = /^[0-9a-f]{24}$/;
/** Types that say nothing about the content: the store sniffs it instead. */
const UNDECLARED = new Set(['', 'application/octet-stream']);

/** The routes, verifying tokens with `authenticate`, the handshake authenticator of `/`. */
export function mediaRoutes(deps: Pick<AdapterDeps, 'core' | 'publicUrl'>, authenticate: Authenticate): Route[] {
  /** The user id (the JWT's `sub`) of a request; 401 without a valid token (HTTP needs a JWT in every auth mode). */
  const userIdOf = async (request: IncomingMessage, url: URL, queryToken: boolean): Promise<string> => {
    if (bearerToken(request) === undefined && !(queryToken && url.searchParams.has('token'))) throw new HttpError(401, 'a bearer token is required (Authorization: Bearer <JWT>)');
    return (await requestIdentity(authenticate, request, url, { namespace: '/', queryToken })).userId;
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

  const download = mediaRoute(deps.core, {
    ids: MEDIA_ID,
    // `?token=` lets an <img src> carry the token (as the other protocols' media routes do); the header is preferred.
    caller: (request, url) => userIdOf(request, url, true),
    userId: async (externalId) => (await deps.core.findUser(REALM, externalId))?.id ?? null,
  });

  return [upload, download];
}
