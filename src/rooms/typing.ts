/** `typing_start` / `typing_end`: echoed to every participant of the room; nothing is stored. */
import type { Context } from '../../generated/rooms/server.js';
import type * as T from '../../generated/rooms/types.js';
import { conversationRoom } from '../runtime/errors.js';
import type { ChatCore } from '../core/index.js';
import { refusing } from '../server/refusals.js';
import type { Sessions } from './session.js';
import { ROOM_WORDING } from './wire.js';

/**
 * Echoes a typing notice to the room, after the `participant` guard: a socket subscribed to the
 * room is a participant (it joined because the store says so); otherwise the store decides
 * (`notFound`, `forbidden`), so typing stays cheap without trusting anything the client says.
 */
export async function typing(
  core: ChatCore,
  sessions: Sessions,
  event: 'show_start_typing' | 'show_end_typing',
  payload: T.Typing,
  ctx: Context,
): Promise<void> {
  const session = await sessions.open(ctx, payload.user);
  if (!ctx.socket.rooms.has(conversationRoom(payload.room))) {
    await refusing(() => core.getConversation(session.userId, payload.room), ROOM_WORDING);
    // A participant whose socket missed the room (joined past the first 1,000) gets its echo too.
    ctx.join(payload.room);
  }
  ctx.emit(event, { room: payload.room, user: payload.user }, { conversation: payload.room });
}
