/**
 * Media over HTTP (docs/marketplace-http.md). A client uploads a file first, then names it in
 * `sendMessage.messageMedias`; the file is served to its uploader and, once sent, to the chat's
 * two users, and to nobody else.
 *
 * - `POST /api/v1/chat/media`: the raw bytes as the body, `Content-Type` their MIME type, a
 *   Bearer token → 201 `{id, imageUrl, size, mimeType}` (the spec's `Media`).
 * - `GET /media/:id`: the bytes, with a Bearer token or `?token=`.
 */
import { DEFAULT_MAX_MEDIA_BYTES, type ChatCore } from '../core/index.js';
import { HttpError, readBody, sendJson, type Route } from '../server/http.js';
import { mediaRoute, mediaUrl } from '../server/media-route.js';
import type * as T from '../../generated/marketplace/types.js';
import { requestUser, type Authenticate } from './http-auth.js';
import { realmOf } from './identity.js';
import { wireMedia, type MediaUrl } from './wire.js';

export const MEDIA_UPLOAD_PATH = '/api/v1/chat/media';

/** The link of a stored file on a server whose base URL is `base()`. */
export function mediaUrlOf(base: () => string): MediaUrl {
  return (id) => mediaUrl(base(), id);
}

export interface MediaRouteDeps {
  readonly core: ChatCore;
  readonly authenticate: Authenticate;
  readonly mediaUrl: MediaUrl;
  /** The largest body read (default 10 MiB); the media store applies its own limit as well. */
  readonly maxBytes?: number;
}

const STORED_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The MIME type a request declares, without parameters; undefined when it declares none. */
function declaredType(contentType: string | undefined): string | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type === undefined || type === '' || type === 'application/octet-stream') return undefined;
  if (type.startsWith('multipart/')) throw new HttpError(415, 'send the file itself as the body, with its MIME type as Content-Type');
  return type;
}

/**
 * The upload and download routes.
 *
 * @example
 * routes: (deps) => mediaRoutes({ core: deps.core, authenticate, mediaUrl: mediaUrlOf(deps.publicUrl) })
 */
export function mediaRoutes(deps: MediaRouteDeps): Route[] {
  const { core, authenticate, mediaUrl } = deps;
  const maxBytes = deps.maxBytes ?? DEFAULT_MAX_MEDIA_BYTES;

  const upload: Route = {
    method: 'POST',
    path: MEDIA_UPLOAD_PATH,
    async handle(request, response, _params, url) {
      const who = await requestUser(authenticate, request, url, { roles: ['customer', 'vendor'] });
      const mimeType = declaredType(request.headers['content-type']);
      const bytes = await readBody(request, maxBytes);
      const owner = await core.upsertUser({ realm: realmOf(who.role), externalId: who.externalId });
      // The store checks the size and that the content is what the type says.
      const media = await core.storeMedia({ ownerId: owner.id, bytes, ...(mimeType === undefined ? {} : { mimeType }) });
      const body: T.Media | null = wireMedia({ id: media.id, mimeType: media.mimeType, size: media.size }, mediaUrl);
      sendJson(response, 201, body);
    },
  };

  // Any role may fetch, admins included; the core decides which files (theirs, or their chats').
  const download = mediaRoute(core, {
    ids: STORED_ID,
    caller: (request, url) => requestUser(authenticate, request, url, { roles: ['customer', 'vendor', 'admin'], fromQuery: true }),
    userId: async (who) => (await core.findUser(realmOf(who.role), who.externalId))?.id ?? null,
  });

  return [upload, download];
}
