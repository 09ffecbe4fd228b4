/** `online_status`: which of the user's co-participants are connected now. */
import type { Context } from '../../generated/rooms/server.js';
import type * as T from '../../generated/rooms/types.js';
import type { ChatCore } from '../core/index.js';
import { refusing } from '../server/refusals.js';
import type { Sessions } from './session.js';
import { ROOM_WORDING, toWireUser } from './wire.js';

/** `online_status_show` holds at most this many users (the spec's `maxItems`). */
const MAX_USERS = 1000;

/**
 * Answers the asking socket with the user's online co-participants, each once, the user
 * excluded. Users who share no room with them are never disclosed.
 */
export async function onlineStatus(core: ChatCore, sessions: Sessions, _payload: T.OnlineStatusPayload, ctx: Context): Promise<void> {
  const session = await sessions.open(ctx);
  const online = await refusing(() => core.onlineCoParticipants(session.userId), ROOM_WORDING);
  const users = await refusing(() => core.getUsers(online.slice(0, MAX_USERS)), ROOM_WORDING);
  const list = online.flatMap((id) => {
    const user = users.get(id);
    return user === undefined ? [] : [toWireUser(user)];
  });
  ctx.emit('online_status_show', list.slice(0, MAX_USERS), 'socket');
}
