/** Storing a message of `sendMessage` or `sendNewMessage`, shared by both. */
import type { StoreMessageResult } from '../../core/index.js';
import { uploadedMediaIds } from '../attachments.js';
import { refusing, type FieldMap } from '../../server/refusals.js';
import { toStoreInput, toWireMessage, type Draft } from '../message-payload.js';
import type { RoomMembers } from '../room-members.js';
import type { Message } from '../../../generated/teamchat/types.js';
import type { Services } from '../services.js';
import type { SessionUser } from '../session.js';

/** The core's input names → the draft's fields (prefixed for `sendNewMessage.message`). */
function draftFields(prefix: string): FieldMap {
  return {
    text: `${prefix}message`,
    clientId: `${prefix}_id`,
    replyTo: `${prefix}reply_message._id`,
    media: `${prefix}attachments`,
    mediaIds: `${prefix}attachments`,
    metadata: `${prefix}reply_message`,
    kind: `${prefix}message_type`,
    conversationId: `${prefix}room_id`,
  };
}

/**
 * Stores the draft from `me` in `room` (resolving after the commit) and returns the stored
 * message's payload. A repeated `clientId` stores nothing and returns the first message, with
 * the members' current seen flags.
 */
export async function storeDraft(
  s: Services,
  me: SessionUser,
  room: RoomMembers,
  draft: Draft,
  options: { clientId?: string; fieldPrefix?: string } = {},
): Promise<{ payload: Message; result: StoreMessageResult }> {
  const fields = draftFields(options.fieldPrefix ?? '');
  const mediaIds = uploadedMediaIds(draft.attachments ?? [], s.publicUrl());
  const result = await refusing(
    () =>
      s.core.storeMessage({
        conversationId: room.roomId,
        senderId: me.id,
        clientId: options.clientId ?? null,
        ...toStoreInput(draft, mediaIds),
      }),
    { fields },
  );
  let readSeqs: Map<string, number> | undefined;
  if (result.duplicate) {
    const details = await refusing(() => s.core.getConversation(me.id, room.roomId));
    readSeqs = new Map(details.participants.map((p) => [p.userId, p.readSeq]));
  }
  return { payload: toWireMessage(result.message, room, readSeqs), result };
}
