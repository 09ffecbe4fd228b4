/**
 * Messages of a pair's history as the companion HTTP endpoint returns them: the fields of
 * `newMessage` / `newMedia`, plus the receiver's delivery and read state.
 */
import type { Message, ParticipantView } from '../core/types.js';
import { contentTypeOf, mediaIdOf } from './threads.js';

export interface HistoryMessage {
  _id: string;
  /** The client's own id when it gave one, else the stored id. */
  messageid: string;
  senderid: string;
  receiverid: string;
  /** The text; empty for a media message. */
  message: string;
  /** `text`, or the file's MIME type. */
  contentType: string;
  /** Where the two participants fetch the file (media messages only). */
  contentURL?: string;
  createdAt: string;
  /** The receiver has the message on a device. */
  delivered: boolean;
  /** The receiver has seen it. */
  seen: boolean;
}

/** One stored message of a thread, for the history endpoint. */
export function toHistoryMessage(message: Message, participants: readonly ParticipantView[], mediaUrl: (mediaId: string) => string): HistoryMessage {
  const sender = participants.find((p) => p.userId === message.senderId);
  const receiver = participants.find((p) => p.userId !== message.senderId);
  const mediaId = mediaIdOf(message);
  return {
    _id: message.id,
    messageid: message.clientId ?? message.id,
    senderid: sender?.user.externalId ?? '',
    receiverid: receiver?.user.externalId ?? '',
    message: message.text ?? '',
    contentType: contentTypeOf(message),
    ...(mediaId === undefined ? {} : { contentURL: mediaUrl(mediaId) }),
    createdAt: message.createdAt.toISOString(),
    delivered: receiver !== undefined && receiver.deliveredSeq >= message.seq,
    seen: receiver !== undefined && receiver.readSeq >= message.seq,
  };
}
