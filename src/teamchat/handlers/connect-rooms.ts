/**
 * `connectRooms`: the user's rooms, newest first, to the asking socket. In trust mode this is
 * also the event that names the user (the stub sets the identity before calling here).
 */
import type { Context } from '../../../generated/teamchat/server.js';
import type { ConnectRoomsRequestPayload, Room } from '../../../generated/teamchat/types.js';
import type { ConversationSummary } from '../../core/index.js';
import { refusing } from '../../server/refusals.js';
import { toRoom } from '../room-payload.js';
import type { Services } from '../services.js';

/** The spec's bound on the list (`RoomList.maxItems`). */
export const MAX_LISTED_ROOMS = 500;
/** How many of the most recently active rooms are read to pick the newest from. */
const CANDIDATES = 1_000;
/** Pinned lists read at once (PostgreSQL runs them on the pool; SQLite one after another anyway). */
const PINNED_BATCH = 8;

/**
 * The socket's rooms are not joined as Socket.IO rooms (the spec's `joinConversations`): every
 * emit to a room goes to its members' user rooms, which each socket joined on connection, so
 * rooms created later reach it too.
 */
export async function connectRooms(s: Services, _payload: ConnectRoomsRequestPayload, ctx: Context): Promise<void> {
  const me = await s.sessions.userOf(ctx);
  const page = await refusing(() => s.core.listConversations(me.id, { limit: CANDIDATES }));
  const newest = [...page.items]
    .sort(
      (a, b) => b.conversation.createdAt.getTime() - a.conversation.createdAt.getTime() || (a.conversation.id < b.conversation.id ? 1 : -1),
    )
    .slice(0, MAX_LISTED_ROOMS);
  const rooms: Room[] = [];
  for (let i = 0; i < newest.length; i += PINNED_BATCH) {
    const batch = newest.slice(i, i + PINNED_BATCH);
    rooms.push(...(await Promise.all(batch.map((summary) => roomOf(s, me.id, summary)))));
  }
  ctx.emit('connectRooms', rooms, 'socket');
}

async function roomOf(s: Services, userId: string, summary: ConversationSummary): Promise<Room> {
  s.rooms.remember(summary);
  const pinned = await refusing(() => s.core.pinnedMessages(userId, summary.conversation.id));
  return toRoom(
    summary,
    pinned.map((m) => m.id),
  );
}
