/**
 * What members do to a stored message: its sender deletes or edits it; any member marks it seen
 * or pins it. Each change goes to every member of the room.
 */
import { ProtocolError, type Context } from '../../../generated/teamchat/server.js';
import type { DeleteMessagePayload, EditMessagePayload, MessageSeenPayload, PinMessagePayload } from '../../../generated/teamchat/types.js';
import { PAGES } from '../../core/index.js';
import { refusing, type FieldMap, type Wording } from '../../server/refusals.js';
import { everyone } from '../room-members.js';
import type { Services } from '../services.js';

/**
 * Refusals of an operation on the message named by `field`: the core's `notFound` names no
 * field, and here it can only be the message (the room was checked before).
 */
function theMessage(field: string, fields?: FieldMap): Wording {
  return { field, fieldKinds: ['notFound'], fields };
}

/** `deleteMessage`: the sender only. The content goes, the id stays; a pinned message is unpinned. */
export async function deleteMessage(s: Services, p: DeleteMessagePayload, ctx: Context): Promise<void> {
  const me = await s.sessions.userOf(ctx);
  const room = await s.rooms.forMember(me.id, p.room_id);
  await refusing(
    () => s.core.deleteMessage({ userId: me.id, messageId: p.message_id, conversationId: room.roomId }),
    theMessage('message_id'),
  );
  ctx.emit('delete', { message_id: p.message_id, user_id: me.externalId, room_id: room.roomId }, { user: everyone(room) });
}

/** `editMessage`: the sender only; the edit time is stored with the message and sent. */
export async function editMessage(s: Services, p: EditMessagePayload, ctx: Context): Promise<void> {
  const me = await s.sessions.userOf(ctx);
  const room = await s.rooms.forMember(me.id, p.room_id);
  const edited = await refusing(
    () => s.core.editMessage({ userId: me.id, messageId: p.message_id, text: p.message, conversationId: room.roomId }),
    theMessage('message_id', { text: 'message' }),
  );
  ctx.emit(
    'edited',
    {
      message_id: edited.id,
      message: p.message,
      room_id: room.roomId,
      user_id: me.externalId,
      dateEdited: (edited.editedAt ?? new Date()).toISOString(),
    },
    { user: everyone(room) },
  );
}

/**
 * `messageSeen`. The core keeps read state as a watermark per member: marking a message read
 * marks the earlier ones too (the spec marks only the one named; see docs/teamchat-http.md).
 * Seeing one's own message changes nothing, and is still announced.
 */
export async function messageSeen(s: Services, p: MessageSeenPayload, ctx: Context): Promise<void> {
  const me = await s.sessions.userOf(ctx);
  const room = await s.rooms.forMember(me.id, p.room_id);
  const message = await refusing(() => s.core.getMessage(me.id, p.message_id, room.roomId), theMessage('message_id'));
  if (message.senderId !== me.id) await refusing(() => s.core.markRead(me.id, room.roomId, { upTo: message.id }));
  ctx.emit('seen', { message_id: message.id, room_id: room.roomId, user_id: me.externalId }, { user: everyone(room) });
}

/**
 * `pinMessage`: any member. The pinned state is the message's, listed with the room
 * (`pinned_messages`), which holds at most 100: a 101st pin is refused rather than hidden.
 */
export async function pinMessage(s: Services, p: PinMessagePayload, ctx: Context): Promise<void> {
  const me = await s.sessions.userOf(ctx);
  const room = await s.rooms.forMember(me.id, p.room_id);
  if (p.pin_message) {
    const pinned = await refusing(() => s.core.pinnedMessages(me.id, room.roomId));
    if (pinned.length >= PAGES.pinned.max && !pinned.some((m) => m.id === p._id)) {
      await refusing(() => s.core.getMessage(me.id, p._id, room.roomId), theMessage('_id'));
      throw new ProtocolError('invalidRequest', `A room has at most ${PAGES.pinned.max} pinned messages: unpin one first`, '_id');
    }
  }
  await refusing(
    () => s.core.pinMessage({ userId: me.id, messageId: p._id, pinned: p.pin_message, conversationId: room.roomId }),
    theMessage('_id'),
  );
  ctx.emit(
    'pin message',
    { _id: p._id, room_id: room.roomId, pin_message: p.pin_message, user_id: me.externalId },
    { user: everyone(room) },
  );
}
