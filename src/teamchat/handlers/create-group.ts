/**
 * `createGroup`: a group of the creator and `recipients` (each once). Each member gets the new
 * room as `group_<their id>`, on their own sockets only.
 */
import type { Context } from '../../../generated/teamchat/server.js';
import type { CreateGroupPayload } from '../../../generated/teamchat/types.js';
import { refusing } from '../../server/refusals.js';
import { toRoom } from '../room-payload.js';
import type { Services } from '../services.js';
import { REALM } from '../session.js';
import { requireUsableUserId } from '../user-ids.js';

export async function createGroup(s: Services, p: CreateGroupPayload, ctx: Context): Promise<void> {
  const me = await s.sessions.userOf(ctx);
  const others: string[] = [];
  p.recipients.forEach((id, i) => {
    if (id === me.externalId || others.includes(id)) return;
    requireUsableUserId(id, `recipients.${i}`);
    others.push(id);
  });
  const users = await refusing(() => s.core.ensureUsers(REALM, others), { fields: { externalIds: 'recipients' } });
  const details = await refusing(
    () =>
      s.core.createGroup({
        creatorId: me.id,
        name: p.room_name,
        memberIds: others.map((id) => users.get(id)!.id),
        // The core keeps no empty strings: no picture is null.
        image: p.image_url ? p.image_url : null,
        ...(p._id === undefined ? {} : { id: p._id }),
      }),
    { fields: { name: 'room_name', image: 'image_url', id: '_id', memberIds: 'recipients' } },
  );
  s.rooms.remember(details);
  const room = toRoom(details, []);
  // The request's order (creator first, then each recipient once), and its picture as sent.
  room.recipients = [me.externalId, ...others];
  if (p.image_url !== undefined) room.image_url = p.image_url;
  for (const member of room.recipients) ctx.emitGroupCreated({ userId: member }, room, { user: member });
}
