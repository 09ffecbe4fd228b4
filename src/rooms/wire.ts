/**
 * The core's users, rooms and messages in the rooms protocol's shapes (`User`, `Room`,
 * `Message`). Every payload the server sends is built here, so that it matches the spec exactly:
 * outgoing validation throws on the smallest mismatch.
 */
import { fullFormats } from 'ajv-formats/dist/formats.js';
import type * as T from '../../generated/rooms/types.js';
import type { ChatError, ConversationDetails, ConversationSummary, Message, ParticipantView, User } from '../core/index.js';
import type { Wording } from '../server/refusals.js';

/**
 * How core refusals reach rooms clients: in room words (the core speaks of conversations), and
 * naming only payload fields a call maps (a core input name means nothing to the client).
 *
 * @example
 * toProtocolError(new ChatError('notFound', 'Conversation 66a… not found'), ROOM_WORDING) // ProtocolError notFound 'Room 66a… not found'
 */
export const ROOM_WORDING: Wording = { message: inRoomWords };

function inRoomWords({ kind, message }: ChatError): string {
  if (kind === 'forbidden' && message.startsWith('Not a participant')) return 'Not a participant of this room';
  if (kind === 'notFound' && message.startsWith('Conversation ')) return `Room ${message.slice('Conversation '.length)}`;
  return message;
}

/** The only message type the protocol has; stored as the message's `kind`. */
export const TEXT_MESSAGE: T.MessageType = 'USER_TEXT_MESSAGE';

// The validators' own format checks, so that a value passed here passes them too.
const EMAIL = fullFormats.email as RegExp;
const URI = fullFormats.uri as (value: string) => boolean;

/**
 * A user as the protocol shows one. `email` and `name` are required on the wire, but a user
 * named in someone else's request and never connected has no profile yet: they get a
 * placeholder address under the reserved `.invalid` domain and their id as a name.
 *
 * @example
 * toWireUser({ externalId: 'u-2', name: null, email: null, … }) // { user_id: 'u-2', email: 'u-2@unknown.invalid', name: 'u-2' }
 */
export function toWireUser(user: Pick<User, 'externalId' | 'name' | 'email'>): T.User {
  return {
    user_id: user.externalId,
    email: user.email !== null && EMAIL.test(user.email) ? user.email : placeholderEmail(user.externalId),
    name: user.name ?? user.externalId,
  };
}

function placeholderEmail(userId: string): string {
  // User ids may hold `:` or leading dots, which no address may: keep a safe local part.
  const local = userId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
  return `${local}@unknown.invalid`;
}

/** A picture or image URL when it is one the spec accepts (`format: uri`), else null. */
export function imageOf(url: string | null): string | null {
  return url !== null && url.length <= 2048 && URI(url) ? url : null;
}

/** A stored text message, its sender shown as `user`. */
export function toWireMessage(message: Message, sender: T.User): T.Message {
  return {
    _id: message.id,
    room: message.conversationId,
    message_body: message.text ?? '',
    type: TEXT_MESSAGE,
    user: sender,
    timestamp: message.createdAt.toISOString(),
  };
}

/**
 * A room as `viewerId` (an internal user id) sees it: a one-to-one room takes the other
 * participant's name and picture; a group its own.
 */
export function toWireRoom(details: ConversationDetails, viewerId: string): T.Room {
  const { conversation, participants } = details;
  const isGroup = conversation.kind === 'group';
  const other = isGroup ? undefined : participants.find((p) => p.userId !== viewerId);
  return {
    _id: conversation.id,
    name: other ? wireName(other) : (conversation.name ?? ''),
    image: other ? imageOf(other.user.picture) : imageOf(conversation.image),
    is_group: isGroup,
    participants: participants.map((p) => toWireUser(p.user)),
    created_at: conversation.createdAt.toISOString(),
  };
}

/** A `set_chats` entry: the room, its last text message and the viewer's unread count. */
export function toWireChat(summary: ConversationSummary, viewerId: string): T.Room {
  const room = toWireRoom(summary, viewerId);
  const last = summary.lastMessage;
  const sender = last === null ? undefined : summary.participants.find((p) => p.userId === last.senderId);
  if (last !== null && last.text !== null && last.kind === TEXT_MESSAGE && sender !== undefined) {
    room.last_message = toWireMessage(last, toWireUser(sender.user));
  }
  room.unread_messages_count = summary.unread;
  return room;
}

function wireName(participant: ParticipantView): string {
  return participant.user.name ?? participant.user.externalId;
}
