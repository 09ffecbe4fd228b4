/**
 * Connecting and disconnecting (the spec's `onConnect` / `onDisconnect`): presence, messages
 * that waited for the user, and online status pushed to everyone who has a thread with them.
 */
import type { Context } from '../../generated/messenger/server.js';
import { DatabaseClosedError } from '../storage/errors.js';
import type { MessengerContext, Session } from './context.js';
import { identify } from './sessions.js';
import { stateOfSummary, toThread } from './threads.js';

/** Threads whose counterparts hear of a user's status change, newest first (the core's `related` page). */
const MAX_STATUS_THREADS = 1_000;
const PAGE = 100;

/**
 * A socket connected: the user's profile is refreshed, they are online, messages pending for
 * them are delivered (their senders get `deliveredMessage`), and, on their first socket only,
 * every counterpart gets the thread with `is_online` "1".
 */
export async function onConnect(mc: MessengerContext, ctx: Context): Promise<void> {
  // Online (identified) before marking delivered: a message stored from now on is delivered at
  // once, one stored before is still pending and is marked below. No message falls in between.
  const { session, first } = await identify(mc, ctx);
  const { senders } = await mc.core.markDelivered(session.userId);
  if (senders.length > 0) {
    const ids = await mc.directory.externalIds(senders);
    ctx.emit('deliveredMessage', { receiverid: session.externalId }, { user: [...ids.values()] });
  }
  if (first) await announceStatus(mc, ctx, session);
}

/** A socket left: when it was the user's last, every counterpart gets the thread with `is_online` "0". */
export async function onDisconnect(mc: MessengerContext, ctx: Context): Promise<void> {
  const closed = await mc.sessions.close(ctx.socket);
  if (closed === undefined || !closed.last) return;
  try {
    await announceStatus(mc, ctx, closed.session);
  } catch (error) {
    // The server is shutting down (every socket leaves, then the store closes): nobody is
    // left to tell.
    if (!(error instanceof DatabaseClosedError)) throw error;
  }
}

/**
 * `threadUpdate` to each counterpart of each of the user's threads, with that counterpart's
 * unread count. `is_online` is read from presence when the update is built, not assumed: a
 * quick reconnect that overtakes a disconnect's update still ends with the true status.
 */
async function announceStatus(mc: MessengerContext, ctx: Context, session: Session): Promise<void> {
  let cursor: string | null = null;
  let seen = 0;
  do {
    const page = await mc.core.listConversations(session.userId, { limit: PAGE, cursor });
    const counterparts = page.items.flatMap((s) => s.participants.filter((p) => p.userId !== session.userId));
    const online = await mc.core.onlineAmong([session.userId, ...counterparts.map((p) => p.userId)]);
    for (const summary of page.items) {
      const state = stateOfSummary(summary);
      for (const other of summary.participants) {
        if (other.userId === session.userId) continue;
        const unread = await mc.core.unreadCounts(other.userId, [state.conversationId]);
        ctx.emit('threadUpdate', toThread(state, { unread: unread.get(state.conversationId) ?? 0, online }), {
          user: other.user.externalId,
        });
      }
    }
    seen += page.items.length;
    cursor = page.nextCursor;
  } while (cursor !== null && seen < MAX_STATUS_THREADS);
}
