/**
 * What members do to a stored message: its sender deletes or edits it; any member marks it seen
 * or pins it. Each change goes to every member of the room.
 */
import { ProtocolError, type Context } from '../../../generated/teamchat/server.js';
import type { DeleteMessagePayload, EditMessagePayload, MessageSeenPayload, PinMessagePayload } from '../../../generated/teamchat/types.js';
import { PAGES } from '../../core/index.js';
import { onMessage, onWire } from '../errors.js';
import { everyone } from '../room-members.js';
import type { Services } from '../services.js';

/** `deleteMessage`: the sender only. The content goes, the id stays; a pinned message is unpinned. */
export async function deleteMessage(s: Services, p: DeleteMessagePayload, ctx: Context): Promise<void> {
  const me = await s.sessions.userOf(ctx);
  const room = await s.rooms.forMember(me.id, p.room_id);
  await onMessage('message_id', () => s.core.deleteMessage({ userId: me.id, messageId: p.message_id, conversationId: room.roomId }));
  ctx.emit('delete', { message_id: p.message_id, user_id: me.externalId, room_id: room.roomId }, { user: everyone(room) });
}

/** `editMessage`: the sender only; the edit time is stored with the message and sent. */
export async function editMessage(s: Services, p: EditMessagePayload, ctx: Context): Promise<void> {
  const me = await s.sessions.userOf(ctx);
  const room = await s.rooms.forMember(me.id, p.room_id);
  const edited = await onMessage(
    'message_id',
    () => s.core.editMessage({ userId: me.id, messageId: p.message_id, text: p.message, conversationId: room.roomId }),
    { text: 'message' },
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
  const message = await onMessage('message_id', () => s.core.getMessage(me.id, p.message_id, room.roomId));
  if (message.senderId !== me.id) await onWire({}, () => s.core.markRead(me.id, room.roomId, { upTo: message.id }));
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
    const pinned = await onWire({}, () => s.core.pinnedMessages(me.id, room.roomId));
    if (pinned.length >= PAGES.pinned.max && !pinned.some((m) => m.id === p._id)) {
      await onMessage('_id', () => s.core.getMessage(me.id, p._id, room.roomId));
      throw new ProtocolError('invalidRequest', `A room has at most ${PAGES.pinned.max} pinned messages: unpin one first`, '_id');
    }
  }
  await onMessage('_id', () => s.core.pinMessage({ userId: me.id, messageId: p._id, pinned: p.pin_message, conversationId: room.roomId }));
  ctx.emit(
    'pin message',
    { _id: p._id, room_id: room.roomId, pin_message: p.pin_message, user_id: me.externalId },
    { user: everyone(room) },
  );
}
