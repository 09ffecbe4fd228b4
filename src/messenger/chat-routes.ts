/**
 * The companion HTTP endpoints the source document calls getThreads, as the original server
 * had them (docs/originals.md), with authentication added: a caller reads and marks
 * only their own threads. Documented in docs/messenger-http.md.
 */
import type { Emitter } from '../../generated/messenger/server.js';
import { isChatError } from '../core/errors.js';
import { HttpError, readJson, sendJson, type Route } from '../server/http.js';
import type { MessengerContext } from './context.js';
import { toHistoryMessage } from './history.js';
import type { HttpAccess } from './http-access.js';
import { stateOfSummary, toThread } from './threads.js';

/** A whole-number query parameter, or undefined when absent (the core clamps it to its page bounds). */
function wholeNumber(url: URL, name: string): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^\d{1,9}$/.test(raw)) throw new HttpError(400, `${name} must be a whole number`);
  return Number(raw);
}

/** An optional string query parameter of at most `max` characters. */
function text(url: URL, name: string, max: number): string | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return undefined;
  if (raw.length > max) throw new HttpError(400, `${name} must be at most ${max} characters`);
  return raw;
}

/**
 * The routes. `emitter` gives the attached namespace's emitter (routes are built before the
 * namespace is attached), for the pushes that follow an HTTP change.
 */
export function chatRoutes(mc: MessengerContext, access: HttpAccess, emitter: () => Emitter | undefined): Route[] {
  const { core, directory } = mc;

  const threads: Route = {
    method: 'GET',
    path: '/api/v1/chat/threads/:userid',
    async handle(request, response, params, url) {
      const userid = await access.callerAs(request, url, params.userid);
      const limit = wholeNumber(url, 'limit');
      const cursor = text(url, 'cursor', 512);
      const userId = await directory.find(userid);
      if (userId === null) return sendJson(response, 200, { threads: [], nextCursor: null });
      const page = await core.listConversations(userId, { limit, cursor });
      const online = await core.onlineAmong(page.items.flatMap((s) => s.participants.map((p) => p.userId)));
      sendJson(response, 200, {
        threads: page.items.map((s) => toThread(stateOfSummary(s), { unread: s.unread, online })),
        nextCursor: page.nextCursor,
      });
    },
  };

  const chatHistory: Route = {
    method: 'GET',
    path: '/api/v1/chat/chatHistory/:userid/:otherUserid',
    async handle(request, response, params, url) {
      const userid = await access.callerAs(request, url, params.userid);
      const other = params.otherUserid;
      if (!access.isUserId(other)) throw new HttpError(400, 'otherUserid must be a user id');
      if (other === userid) throw new HttpError(400, 'otherUserid must be another user than userid');
      const limit = wholeNumber(url, 'limit');
      const before = text(url, 'before', 64);
      const empty = { messages: [], nextBefore: null };
      const [userId, otherId] = await Promise.all([directory.find(userid), directory.find(other)]);
      if (userId === null || otherId === null) return sendJson(response, 200, empty);
      const conversationId = await directory.direct(userId, otherId);
      if (conversationId === null) return sendJson(response, 200, empty);
      let beforeSeq: number | undefined;
      if (before !== undefined) {
        try {
          beforeSeq = (await core.getMessage(userId, before, conversationId)).seq;
        } catch (error) {
          if (isChatError(error, 'notFound')) throw new HttpError(400, 'before must be the _id of a message of this thread');
          throw error;
        }
      }
      const [page, details] = await Promise.all([
        core.history(userId, conversationId, { limit, beforeSeq }),
        core.getConversation(userId, conversationId),
      ]);
      const last = page.items.at(-1);
      sendJson(response, 200, {
        messages: page.items.map((m) => toHistoryMessage(m, details.participants, (id) => mc.mediaUrl(id))),
        nextBefore: page.nextBeforeSeq !== null && last !== undefined ? last.id : null,
      });
    },
  };

  const markAsRead: Route = {
    method: 'PATCH',
    path: '/api/v1/chat/markAsRead',
    async handle(request, response, _params, url) {
      const body = await readJson(request);
      const userid = await access.callerAs(request, url, body.userid);
      const other = body.otheruserid;
      if (!access.isUserId(other)) throw new HttpError(400, 'otheruserid must be a user id');
      if (other === userid) throw new HttpError(400, 'otheruserid must be another user than userid');
      const [userId, otherId] = await Promise.all([directory.find(userid), directory.find(other)]);
      const conversationId = userId === null || otherId === null ? null : await directory.direct(userId, otherId);
      if (userId === null || conversationId === null) throw new HttpError(404, `No thread with ${other}`);
      const { advanced } = await core.markRead(userId, conversationId);
      const count = await core.unreadTotal(userId);
      // Every open tab of the reader updates its badge, as after `seeMessage`.
      emitter()?.('unreadMessagesCount', { count }, { user: userid });
      sendJson(response, 200, { count, updated: advanced });
    },
  };

  const unreadCount: Route = {
    method: 'GET',
    path: '/api/v1/chat/unreadCount/:userid',
    async handle(request, response, params, url) {
      const userid = await access.callerAs(request, url, params.userid);
      const userId = await directory.find(userid);
      sendJson(response, 200, { count: userId === null ? 0 : await core.unreadTotal(userId) });
    },
  };

  return [threads, chatHistory, markAsRead, unreadCount];
}
