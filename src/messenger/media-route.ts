/**
 * `GET /media/:id`: a file sent with `sendMedia`, for the two participants of its thread only
 * (and its uploader). The type served is the one checked against the bytes when stored.
 */
import { HttpError, type Route } from '../server/http.js';
import type { MessengerContext } from './context.js';
import type { HttpAccess } from './http-access.js';

/** Ids the core makes (and any id a client could be given): longer or odder ones name nothing. */
const MEDIA_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function mediaRoute(mc: MessengerContext, access: HttpAccess): Route {
  return {
    method: 'GET',
    path: '/media/:id',
    async handle(request, response, params, url) {
      const caller = await access.caller(request, url, { queryToken: true, claimed: url.searchParams.get('userid') ?? undefined });
      const id = params.id ?? '';
      if (!MEDIA_ID.test(id)) throw new HttpError(404, `Media ${id.slice(0, 64)} not found`);
      const userId = await mc.directory.ensure(caller);
      const { media, bytes } = await mc.core.openMedia(userId, id);
      response.writeHead(200, {
        'content-type': media.mimeType,
        'content-length': bytes.byteLength,
        // A file never changes under its id; `private`: who may fetch it depends on the caller.
        'cache-control': 'private, max-age=31536000, immutable',
        'x-content-type-options': 'nosniff',
        'content-disposition': 'inline',
      });
      response.end(bytes);
    },
  };
}
