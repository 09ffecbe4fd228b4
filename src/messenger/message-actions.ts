/**
 * `deleteMessage` and `seeMessage`: acts on an existing thread of the connected user. A thread
 * that does not exist (or a user nobody has named) is `notFound`; nothing is created.
 */
import { ProtocolError, type Context } from '../../generated/messenger/server.js';
import type { DeleteMessagePayload, SeeMessagePayload } from '../../generated/messenger/types.js';
import { WORDING, type MessengerContext, type Session } from './context.js';
import { refusing } from '../server/refusals.js';
import { sessionOf } from './sessions.js';

/** The connected user's thread with `other` (a wire id); `notFound` naming `field` when there is none. */
async function threadWith(mc: MessengerContext, me: Session, other: string, field: string): Promise<string> {
  const otherId = other === me.externalId ? null : await mc.directory.find(other);
  const conversationId = otherId === null ? null : await refusing(() => mc.directory.direct(me.userId, otherId), { ...WORDING, field });
  if (conversationId === null) throw new ProtocolError('notFound', `No thread with ${other}`, field);
  return conversationId;
}

/**
 * Handles `deleteMessage`: only the message's sender deletes it, and only in the thread named by
 * `receiverid`; then `messageDeleted` goes to the receiver.
 */
export async function deleteMessage(mc: MessengerContext, payload: DeleteMessagePayload, ctx: Context): Promise<void> {
  const me = await sessionOf(mc, ctx);
  const conversationId = await threadWith(mc, me, payload.receiverid, 'receiverid');
  await refusing(() => mc.core.deleteMessage({ userId: me.userId, messageId: payload.chatid, conversationId }), {
    ...WORDING,
    field: 'chatid',
  });
  ctx.emit('messageDeleted', { chatid: payload.chatid, senderid: me.externalId }, { user: payload.receiverid });
}

/**
 * Handles `seeMessage`: everything `senderid` sent the viewer is read; `senderid` gets
 * `seenMessage`, and the viewer's sockets their new unread total.
 */
export async function seeMessage(mc: MessengerContext, payload: SeeMessagePayload, ctx: Context): Promise<void> {
  const me = await sessionOf(mc, ctx);
  const conversationId = await threadWith(mc, me, payload.senderid, 'senderid');
  await refusing(() => mc.core.markRead(me.userId, conversationId), WORDING);
  ctx.emit('seenMessage', { receiverid: me.externalId }, { user: payload.senderid });
  const count = await mc.core.unreadTotal(me.userId);
  ctx.emit('unreadMessagesCount', { count }, 'actor');
}
