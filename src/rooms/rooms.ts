/**
 * `get_chats` and `new_room_create`: a user's room list, and creating a group or opening the
 * one-to-one room of a pair.
 */
import type { Context } from '../../generated/rooms/server.js';
import type * as T from '../../generated/rooms/types.js';
import { ProtocolError } from '../../generated/rooms/server.js';
import { conversationRoom, userRoom } from '../runtime/errors.js';
import type { ChatCore, ConversationDetails } from '../core/index.js';
import { refusing } from '../server/refusals.js';
import { REALM, type Sessions } from './session.js';
import { ROOM_WORDING, toWireChat, toWireRoom } from './wire.js';

/** `set_chats` holds at most this many rooms (the spec's `maxItems`). */
const MAX_CHATS = 1000;

/** Answers `get_chats` with every room of the user, most recently active first. */
export async function getChats(core: ChatCore, sessions: Sessions, payload: T.GetChatsPayload, ctx: Context): Promise<void> {
  const session = await sessions.open(ctx, payload.user);
  const page = await refusing(() => core.listConversations(session.userId, { limit: MAX_CHATS }), ROOM_WORDING);
  ctx.emit('set_chats', { chats: page.items.map((summary) => toWireChat(summary, session.userId)) }, 'socket');
}

/**
 * Creates a group, or opens (creating it the first time) the one-to-one room of the creator
 * and the one participant, then sends it as `add_room` to every participant's sockets, which
 * join it first so that they receive its messages without reconnecting.
 */
export async function newRoomCreate(core: ChatCore, sessions: Sessions, payload: T.NewRoomCreatePayload, ctx: Context): Promise<void> {
  // Every check on the request comes before anything is stored (the original created the room
  // after reporting it invalid).
  const otherIds = [...new Set(payload.participants.map((p) => p.user_id))].filter((id) => id !== ctx.userId);
  if (!payload.is_group && otherIds.length === 0) {
    throw new ProtocolError('invalidRequest', 'A one-to-one room needs another participant than yourself', 'participants.0.user_id');
  }
  const session = await sessions.open(ctx, payload.user);
  // Users named here may never have connected: they are known by id only; their profile is
  // theirs to give (the creator's copy of their name and email is not stored).
  const others = await refusing(() => core.ensureUsers(REALM, otherIds), ROOM_WORDING);
  const memberIds = otherIds.map((id) => others.get(id)!.id);

  let details: ConversationDetails;
  if (payload.is_group) {
    details = await refusing(() => core.createGroup({ creatorId: session.userId, name: payload.name, memberIds }), {
      ...ROOM_WORDING,
      fields: { name: 'name', memberIds: 'participants' },
    });
  } else {
    const { conversation } = await refusing(() => core.openDirect(session.userId, memberIds[0]!, { create: true }), ROOM_WORDING);
    details = await refusing(() => core.getConversation(session.userId, conversation.id), ROOM_WORDING);
  }

  const id = details.conversation.id;
  const keys = details.participants.map((p) => ctx.userKeyOf(p.user.externalId));
  ctx.namespace.in(keys.map(userRoom)).socketsJoin(conversationRoom(id));
  if (payload.is_group) {
    ctx.emit('add_room', { channel: toWireRoom(details, session.userId) }, { conversation: id });
  } else {
    // Each side sees the room under the other participant's name and picture.
    for (const p of details.participants) {
      ctx.emit('add_room', { channel: toWireRoom(details, p.userId) }, { user: ctx.userKeyOf(p.user.externalId) });
    }
  }
}
