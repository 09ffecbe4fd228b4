/**
 * `sendMessage` and `sendMedia`: store first, then the spec's sequence of emits, in order —
 * `deliveredMessage` to the sender when the receiver has it, `newThread` (the pair's first
 * message) or `threadUpdate` to both, `newMessage`/`newMedia` to both, `unreadMessagesCount` to
 * the receiver. A send repeated with the same `messageid` stores nothing and repeats the emits.
 */
import { ProtocolError, type Context } from '../../generated/messenger/server.js';
import type { Binary, MimeType, NewMedia, NewMessage, SendMediaPayload, SendMessagePayload } from '../../generated/messenger/types.js';
import type { StoreMessageResult } from '../core/messages.js';
import type { Message } from '../core/types.js';
import { WORDING, type MessengerContext, type Session } from './context.js';
import { refusing } from '../server/refusals.js';
import { sessionOf } from './sessions.js';
import { mediaIdOf, toThread, type ThreadState } from './threads.js';

/** A message just stored (or found stored, for a repeated send) and who it is between. */
interface Sent {
  readonly me: Session;
  readonly receiver: Session;
  readonly conversationId: string;
  readonly message: Message;
  /** The receiver's delivery state covers it (they were online, or have connected since). */
  readonly delivered: boolean;
  /** A repeated send: the message was stored by an earlier one. */
  readonly repeated: boolean;
}

/** The spec's `distinctUsers` guard: nobody messages themself. */
function requireDistinct(senderid: string, receiverid: string): void {
  if (senderid === receiverid) throw new ProtocolError('invalidRequest', 'receiverid must be another user than senderid', 'receiverid');
}

/**
 * A repeated send must repeat what was stored: not a message its sender has deleted since
 * (replaying it would bring it back), nor one of the other kind (a `messageid` first used for a
 * text, then for a file).
 */
function requireRepeatable(message: Message, kind: 'text' | 'media'): void {
  if (message.deletedAt !== null) {
    throw new ProtocolError('invalidRequest', `messageid names message ${message.id}, which was deleted`, 'messageid');
  }
  if (message.kind !== kind) {
    throw new ProtocolError('invalidRequest', `messageid names message ${message.id}, which is not a ${kind} message`, 'messageid');
  }
}

async function receiverOf(mc: MessengerContext, receiverid: string): Promise<Session> {
  const userId = await refusing(() => mc.directory.ensure(receiverid), { ...WORDING, field: 'receiverid' });
  return { userId, externalId: receiverid };
}

/** Handles `sendMessage`. */
export async function sendMessage(mc: MessengerContext, payload: SendMessagePayload, ctx: Context): Promise<void> {
  const me = await sessionOf(mc, ctx);
  requireDistinct(payload.senderid, payload.receiverid);
  const receiver = await receiverOf(mc, payload.receiverid);
  const conversationId = await refusing(() => mc.directory.direct(me.userId, receiver.userId, { create: true }), {
    ...WORDING,
    field: 'receiverid',
  });
  const stored = await refusing(
    () => mc.core.storeMessage({ conversationId, senderId: me.userId, text: payload.message, clientId: payload.messageid, kind: 'text' }),
    WORDING,
  );
  if (stored.duplicate) requireRepeatable(stored.message, 'text');
  const sent = sentOf(me, receiver, conversationId, stored);
  const item: NewMessage = {
    _id: stored.message.id,
    messageid: payload.messageid,
    senderid: me.externalId,
    receiverid: receiver.externalId,
    message: stored.message.text ?? payload.message,
    createdAt: stored.message.createdAt.toISOString(),
  };
  await announce(mc, ctx, sent, () => ctx.emit('newMessage', item, ['actor', { user: receiver.externalId }]));
}

/**
 * Handles `sendMedia`. The bytes are checked and stored before anything else (size, type
 * sniffed against `mimeType`): a refused file leaves no thread and no message behind.
 */
export async function sendMedia(mc: MessengerContext, payload: SendMediaPayload, ctx: Context): Promise<void> {
  const me = await sessionOf(mc, ctx);
  requireDistinct(payload.senderid, payload.receiverid);
  const receiver = await receiverOf(mc, payload.receiverid);
  const sent = (await repeatedMedia(mc, me, receiver, payload.messageid)) ?? (await storeMedia(mc, me, receiver, payload));
  const stored = sent.message.media[0];
  const mediaId = mediaIdOf(sent.message);
  // Checked by requireRepeatable: a media message has its file.
  if (mediaId === undefined || stored === undefined) throw new Error(`media message ${sent.message.id} has no file`);
  const item: NewMedia = {
    _id: sent.message.id,
    messageid: payload.messageid,
    senderid: me.externalId,
    receiverid: receiver.externalId,
    contentType: (typeof stored.mimeType === 'string' ? stored.mimeType : payload.mimeType) as MimeType,
    contentURL: mc.mediaUrl(mediaId),
    createdAt: sent.message.createdAt.toISOString(),
  };
  await announce(mc, ctx, sent, () => ctx.emit('newMedia', item, ['actor', { user: receiver.externalId }]));
}

/** The media message an earlier send with this `messageid` stored, if any (its file is not stored again). */
async function repeatedMedia(mc: MessengerContext, me: Session, receiver: Session, messageid: string): Promise<Sent | undefined> {
  const conversationId = await refusing(() => mc.directory.direct(me.userId, receiver.userId), { ...WORDING, field: 'receiverid' });
  if (conversationId === null) return undefined;
  const earlier = await mc.core.findMessageByClientId(conversationId, me.userId, messageid);
  if (earlier === null) return undefined;
  requireRepeatable(earlier, 'media');
  const { participants } = await mc.core.getConversation(me.userId, conversationId);
  const theirs = participants.find((p) => p.userId === receiver.userId);
  return { me, receiver, conversationId, message: earlier, delivered: (theirs?.deliveredSeq ?? 0) >= earlier.seq, repeated: true };
}

async function storeMedia(mc: MessengerContext, me: Session, receiver: Session, payload: SendMediaPayload): Promise<Sent> {
  const bytes = await bytesOf(payload.file);
  const media = await refusing(() => mc.core.storeMedia({ ownerId: me.userId, bytes, mimeType: payload.mimeType }), {
    ...WORDING,
    field: 'file',
  });
  const conversationId = await refusing(() => mc.directory.direct(me.userId, receiver.userId, { create: true }), {
    ...WORDING,
    field: 'receiverid',
  });
  // Sending attaches the file to the thread, which is what lets the receiver fetch it.
  const stored = await refusing(
    () => mc.core.storeMessage({ conversationId, senderId: me.userId, clientId: payload.messageid, mediaIds: [media.id], kind: 'media' }),
    WORDING,
  );
  if (stored.duplicate) requireRepeatable(stored.message, 'media');
  return sentOf(me, receiver, conversationId, stored);
}

/** What a store just did, in the terms the emits need. */
function sentOf(me: Session, receiver: Session, conversationId: string, stored: StoreMessageResult): Sent {
  return {
    me,
    receiver,
    conversationId,
    message: stored.message,
    delivered: stored.deliveredTo.includes(receiver.userId),
    repeated: stored.duplicate,
  };
}

/** The bytes of a binary attachment, whatever form the transport gave them in. */
async function bytesOf(file: Binary): Promise<Uint8Array> {
  if (file instanceof Uint8Array) return file;
  if (ArrayBuffer.isView(file)) return new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
  if (file instanceof ArrayBuffer) return new Uint8Array(file);
  if (typeof Blob !== 'undefined' && file instanceof Blob) return new Uint8Array(await file.arrayBuffer());
  throw new ProtocolError('invalidPayload', 'file must be binary data', 'file');
}

/**
 * The emits after a stored message, in the spec's order. Each participant's thread carries
 * their own unread count, so the thread goes to each separately; the message itself goes to
 * both in one emit (each socket once).
 */
async function announce(mc: MessengerContext, ctx: Context, sent: Sent, emitItem: () => void): Promise<void> {
  const { core } = mc;
  const { me, receiver, conversationId, message } = sent;
  const [profiles, online, mine, theirs, last] = await Promise.all([
    core.getUsers([me.userId, receiver.userId]),
    core.onlineAmong([me.userId, receiver.userId]),
    core.unreadCounts(me.userId, [conversationId]),
    unreadOf(mc, receiver.userId, conversationId),
    // A repeated send may be older than the thread's last message: show what is really last.
    sent.repeated ? core.history(me.userId, conversationId, { limit: 1 }).then((page) => page.items[0] ?? message) : message,
  ]);
  // The core's participant order (same join time, then id), as in listed threads.
  const participants = [...profiles.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const state: ThreadState = { conversationId, createdAt: message.createdAt, participants, lastMessage: last };

  if (sent.delivered) ctx.emit('deliveredMessage', { receiverid: receiver.externalId }, 'actor');
  // The pair's first message is the one that made the thread: its sends (and their repeats) say `newThread`.
  const threadEvent = message.seq === 1 ? 'newThread' : 'threadUpdate';
  ctx.emit(threadEvent, toThread(state, { unread: mine.get(conversationId) ?? 0, online }), 'actor');
  ctx.emit(threadEvent, toThread(state, { unread: theirs.inThread, online }), { user: receiver.externalId });
  emitItem();
  ctx.emit('unreadMessagesCount', { count: theirs.total }, { user: receiver.externalId });
}

/** How many threads' counts one grouped query may cover; beyond, the total is counted on its own. */
const GROUPED_THREADS = 1_000;

/**
 * A user's unread count in one thread and over all of them. Counting reads every unread
 * message, so both come from one grouped count over the user's threads rather than two counts
 * over the same messages.
 */
async function unreadOf(mc: MessengerContext, userId: string, conversationId: string): Promise<{ inThread: number; total: number }> {
  const ids = await mc.core.conversationIdsOf(userId);
  if (ids.length >= GROUPED_THREADS || !ids.includes(conversationId)) {
    const [inThread, total] = await Promise.all([mc.core.unreadCounts(userId, [conversationId]), mc.core.unreadTotal(userId)]);
    return { inThread: inThread.get(conversationId) ?? 0, total };
  }
  const counts = await mc.core.unreadCounts(userId, ids);
  let total = 0;
  for (const n of counts.values()) total += n;
  return { inThread: counts.get(conversationId) ?? 0, total };
}
