/** `typing`: to every member of the room, the typist included (clients skip their own). Nothing is stored. */
import type { Context } from '../../../generated/teamchat/server.js';
import type { TypingRequestPayload } from '../../../generated/teamchat/types.js';
import { everyone } from '../room-members.js';
import type { Services } from '../services.js';

export async function typing(s: Services, p: TypingRequestPayload, ctx: Context): Promise<void> {
  const me = await s.sessions.userOf(ctx);
  const room = await s.rooms.forMember(me.id, p.room_id);
  ctx.emit('typing', { room_id: room.roomId, message: p.message, user_id: me.externalId }, { user: everyone(room) });
}
