/**
 * Threads as messenger's clients see them: a direct conversation with its two participants
 * (online as "1"/"0"), its last message, and the receiving user's unread count. Every
 * `newThread`, `threadUpdate` and listed thread is built here, so they agree on every field.
 */
import type { Participant, Thread } from '../../generated/messenger/types.js';
import type { ConversationSummary, Message, User } from '../core/types.js';

/** What a thread is built from; the same for each participant except the unread count. */
export interface ThreadState {
  readonly conversationId: string;
  readonly createdAt: Date;
  /** The two participants, in the conversation's order. */
  readonly participants: readonly User[];
  /** The newest message that is not deleted, if any. */
  readonly lastMessage: Message | null;
}

/** A user's display name: the token's `name`, else their id (a user who never connected has no name). */
export function displayName(user: User): string {
  return user.name ?? user.externalId;
}

/** `text`, or the MIME type of a media message's file. */
export function contentTypeOf(message: Message): string {
  const first = message.media[0];
  if (message.kind === 'text' || first === undefined) return 'text';
  return typeof first.mimeType === 'string' ? first.mimeType : 'application/octet-stream';
}

/** The id of a media message's stored file (undefined for text). */
export function mediaIdOf(message: Message): string | undefined {
  const first = message.media[0];
  return first !== undefined && typeof first.id === 'string' ? first.id : undefined;
}

function participantOf(user: User, online: ReadonlySet<string>): Participant {
  return {
    userid: user.externalId,
    username: displayName(user),
    is_online: online.has(user.id) ? '1' : '0',
    profilePic: user.picture ?? '',
  };
}

/**
 * The thread as one participant sees it.
 *
 * @param view.unread the receiving participant's unread count in this thread
 * @param view.online internal ids of the users online now
 */
export function toThread(state: ThreadState, view: { unread: number; online: ReadonlySet<string> }): Thread {
  const last = state.lastMessage;
  // A thread exists because of its first message; one without a live message (all deleted, or
  // a first send that failed after the thread was opened) names its first participant instead.
  const lastSender = (last && state.participants.find((p) => p.id === last.senderId)) ?? state.participants[0];
  return {
    _id: state.conversationId,
    participants: state.participants.map((p) => participantOf(p, view.online)),
    last_message: last?.text ?? '',
    last_message_sender_id: lastSender?.externalId ?? '',
    last_message_Username: lastSender ? displayName(lastSender) : '',
    last_message_timestamp: (last?.createdAt ?? state.createdAt).toISOString(),
    contentType: last ? contentTypeOf(last) : 'text',
    unreadCount: view.unread,
  };
}

/** The thread state of an inbox entry. */
export function stateOfSummary(summary: ConversationSummary): ThreadState {
  return {
    conversationId: summary.conversation.id,
    createdAt: summary.conversation.createdAt,
    participants: summary.participants.map((p) => p.user),
    lastMessage: summary.lastMessage,
  };
}
