/**
 * `sendNewMessage`: a message to an existing room (`message.room_id`), or to the peer-to-peer
 * room of the sender and `recipient_id[0]`, created by this first message. Each other member
 * gets it as the event named by their own id, on their own sockets only; the sender's sockets
 * get it as `message`.
 */
import { ProtocolError, type Context } from '../../../generated/teamchat/server.js';
import type { SendNewMessagePayload } from '../../../generated/teamchat/types.js';
import { refusing } from '../../server/refusals.js';
import type { RoomMembers } from '../room-members.js';
import type { Services } from '../services.js';
import { REALM, type SessionUser } from '../session.js';
import { isUsableUserId, requireUsableUserId } from '../user-ids.js';
import { storeDraft } from './store-draft.js';

export async function sendNewMessage(s: Services, p: SendNewMessagePayload, ctx: Context): Promise<void> {
  const me = await s.sessions.userOf(ctx);
  const room = await roomOf(s, me, p);
  // `room_name`, `user_name`, `image_url` and `message.recipients` are accepted and not stored.
  const { payload } = await storeDraft(s, me, room, p.message, { clientId: p.message._id, fieldPrefix: 'message.' });
  for (const member of room.members) {
    if (member.id === me.id) continue;
    // A member whose id is an event name cannot get an event by that name (see user-ids.ts);
    // such ids are refused as new members, so only old data could hold one.
    if (!isUsableUserId(member.externalId)) {
      s.logger.warn({ room: room.roomId, user: member.externalId }, 'teamchat: member id is an event name; no {userId} event sent');
      continue;
    }
    ctx.emitUserMessage({ userId: member.externalId }, payload, { user: member.externalId });
  }
  ctx.emit('message', payload, 'actor');
}

/** The guards `participant` then `distinctUsers`, and the room they leave. */
async function roomOf(s: Services, me: SessionUser, p: SendNewMessagePayload): Promise<RoomMembers> {
  const peerId = p.recipient_id[0]!;
  const requireOther = () => {
    if (peerId === me.externalId) {
      throw new ProtocolError('invalidRequest', 'A conversation needs two different users (no messaging oneself)', 'recipient_id.0');
    }
  };
  if (p.message.room_id !== undefined) {
    const room = await s.rooms.forMember(me.id, p.message.room_id, 'message.room_id');
    requireOther();
    return room;
  }
  requireOther();
  requireUsableUserId(peerId, 'recipient_id.0');
  const peer = (await refusing(() => s.core.ensureUsers(REALM, [peerId]), { fields: { externalIds: 'recipient_id' } })).get(peerId)!;
  const { conversation } = await refusing(() => s.core.openDirect(me.id, peer.id, { create: true }), {
    fields: { participantIds: 'recipient_id' },
  });
  return s.rooms.put({
    roomId: conversation.id,
    kind: 'direct',
    members: [
      { id: me.id, externalId: me.externalId },
      { id: peer.id, externalId: peerId },
    ],
  });
}
