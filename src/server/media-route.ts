/**
 * `GET /media/:id`, the download of a stored file, for every protocol that stores files
 * (messenger, marketplace, teamchat). Each protocol says who is asking and which ids can be its
 * files (its access rules, documented per protocol); how a file is answered is decided here once.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChatCore } from '../core/chat-core.js';
import { HttpError, type Route } from './http.js';

/** Where stored files are served; every link to one points here. */
export const MEDIA_PATH = '/media/:id';

/**
 * The link to a stored file on a server reached at `publicUrl`.
 *
 * @example
 * mediaUrl('http://127.0.0.1:4400/', '6650a1b2c3d4e5f601234567') // 'http://127.0.0.1:4400/media/6650a1b2c3d4e5f601234567'
 */
export function mediaUrl(publicUrl: string, mediaId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/media/${encodeURIComponent(mediaId)}`;
}

/** A protocol's rules for downloads. */
export interface MediaAccess<Caller> {
  /** The ids its files can have: any other id is 404 without a lookup. */
  readonly ids: RegExp;
  /** Who is asking; throws an `HttpError` (401, 403) for a request nobody may make. */
  caller(request: IncomingMessage, url: URL): Promise<Caller>;
  /** The caller's core user id; null for a user the core has never seen, who owns nothing and is in nothing (403). */
  userId(caller: Caller): Promise<string | null>;
}

/**
 * The download route: the caller first (401 before anything is said about the id), then the id,
 * then the core's access rule (its uploader, or a participant of the conversation it was sent in).
 *
 * @example
 * mediaRoute(core, { ids: /^[0-9a-f]{24}$/, caller: (request, url) => userIdOf(request, url), userId: (id) => findUserId(id) })
 */
export function mediaRoute<Caller>(core: ChatCore, access: MediaAccess<Caller>): Route {
  return {
    method: 'GET',
    path: MEDIA_PATH,
    async handle(request, response, params, url) {
      const caller = await access.caller(request, url);
      const id = params.id ?? '';
      if (!access.ids.test(id)) throw new HttpError(404, `Media ${id.slice(0, 64)} not found`);
      const userId = await access.userId(caller);
      if (userId === null) throw new HttpError(403, `Media ${id} is not shared with you`);
      const { media, bytes } = await core.openMedia(userId, id);
      sendMedia(response, media.mimeType, bytes);
    },
  };
}

/**
 * Caching: the bytes under a media id never change (a new upload is a new id), and who may read
 * a file never shrinks (participants are never removed from a conversation, and deleting a
 * message does not unshare its file), so an answer once given stays right for that caller: a
 * year, `immutable` (no revalidation on reload). `private`, because the answer depends on the
 * credential: no shared cache (a proxy, a CDN) may keep it for others; `Vary: Authorization`,
 * so that a browser shared by two users does not hand one a file it fetched for the other.
 *
 * Security: the type is the one checked against the bytes when stored, and `nosniff` keeps
 * browsers from guessing another; a file opened directly (a crafted PDF) runs nothing, as the
 * sandbox gives it no scripts and no origin of the server's.
 */
const MEDIA_HEADERS = {
  'cache-control': 'private, max-age=31536000, immutable',
  vary: 'authorization',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; sandbox",
  'content-disposition': 'inline',
} as const;

function sendMedia(response: ServerResponse, mimeType: string, bytes: Uint8Array): void {
  response.writeHead(200, { 'content-type': mimeType, 'content-length': bytes.byteLength, ...MEDIA_HEADERS });
  response.end(bytes);
}
