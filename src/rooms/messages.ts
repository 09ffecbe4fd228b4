/** `new_message`: store a text message, then broadcast it to every participant of the room. */
import type { Context } from '../../generated/rooms/server.js';
import type * as T from '../../generated/rooms/types.js';
import { conversationRoom } from '../runtime/errors.js';
import type { ChatCore } from '../core/index.js';
import { refusing, type Wording } from '../server/refusals.js';
import type { Sessions } from './session.js';
import { ROOM_WORDING, TEXT_MESSAGE, toWireMessage } from './wire.js';

/** Refusals of `storeMessage`, its input fields named as the fields of `new_message`. */
const WORDING: Wording = { ...ROOM_WORDING, fields: { text: 'message_body', clientId: 'client_id', conversationId: 'room', kind: 'type' } };

/**
 * Stores the message (the core checks, in the same transaction, that the room exists and the
 * sender is in it) and only then broadcasts it to the room, the sender's sockets included. A
 * retry with the same `client_id` is stored once and broadcast again.
 */
export async function newMessage(core: ChatCore, sessions: Sessions, payload: T.NewMessagePayload, ctx: Context): Promise<void> {
  const session = await sessions.open(ctx, payload.user);
  const { message } = await refusing(
    () =>
      core.storeMessage({
        conversationId: payload.room,
        senderId: session.userId,
        text: payload.message_body,
        kind: TEXT_MESSAGE,
        clientId: payload.client_id ?? null,
      }),
    WORDING,
  );
  const timestamp = message.createdAt.toISOString();
  const broadcast: T.MessageBroadcast = {
    room: payload.room,
    message_body: toWireMessage(message, payload.user),
    timestamp,
    sender: payload.user,
  };
  if (payload.client_id !== undefined) broadcast.client_id = payload.client_id;
  // The store has just checked that the sender is a participant: a socket that missed the room
  // (joined past the first 1,000 rooms) joins it, so that the sender sees their own message.
  if (!ctx.socket.rooms.has(conversationRoom(payload.room))) ctx.join(payload.room);
  ctx.emit('message_broadcast', broadcast, { conversation: payload.room });
}
