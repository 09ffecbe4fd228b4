/** `sendMessage`: a message to a room the sender is a member of; the stored message to every member. */
import type { Context } from '../../../generated/teamchat/server.js';
import type { SendMessagePayload } from '../../../generated/teamchat/types.js';
import { everyone } from '../room-members.js';
import type { Services } from '../services.js';
import { storeDraft } from './store-draft.js';

export async function sendMessage(s: Services, p: SendMessagePayload, ctx: Context): Promise<void> {
  const me = await s.sessions.userOf(ctx);
  const room = await s.rooms.forMember(me.id, p.room_id);
  // `recipients` and `dateCreated` of the request are ignored: the server decides them.
  const { payload } = await storeDraft(s, me, room, p);
  ctx.emit('message', payload, { user: everyone(room) });
}
