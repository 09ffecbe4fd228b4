/** `new_message`: store a text message, then broadcast it to every participant of the room. */
import type { Context } from '../../generated/rooms/server.js';
import type * as T from '../../generated/rooms/types.js';
import { conversationRoom } from '../runtime/errors.js';
import type { ChatCore } from '../core/index.js';
import { refusing } from './errors.js';
import type { Sessions } from './session.js';
import { TEXT_MESSAGE, toWireMessage } from './wire.js';

/** Core input fields of `storeMessage` → the fields of `new_message`. */
const FIELDS = { text: 'message_body', clientId: 'client_id', conversationId: 'room', kind: 'type' } as const;

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
    FIELDS,
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
