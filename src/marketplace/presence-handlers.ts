/**
 * `/presence`: a socket here makes its user online. The user's first socket tells everyone who
 * shares a chat with them (`userIsOnline`, once per shared chat), their last one leaving tells
 * them `userIsOffline`. Nobody else hears of it: the original's namespace-wide broadcast told
 * every connected user who else was online.
 */
import type { ChatCore } from '../core/index.js';
import type { PresenceContext, PresenceHandlers } from '../../generated/marketplace/server.js';
import { SocketSessions } from '../server/sessions.js';
import { actorOf, userKeyOfUser, type Actor } from './identity.js';
import { KeyedQueue } from './keyed-queue.js';
import { ok } from './wire.js';

/** The `/presence` handlers of the generated stub: presence in the core's store, and the notices. */
export function presenceHandlers(core: ChatCore): PresenceHandlers {
  // Per user, in the order the sockets connected and disconnected: otherwise a socket that
  // connects while another leaves could be counted after the other's removal, and the user
  // would flicker offline and online again. (Across server nodes, the presence store decides.)
  const perUser = new KeyedQueue();
  const sessions = new SocketSessions<Actor>(core, (actor) => actor.user.id);
  return {
    onConnect(ctx) {
      // Queued at once (the stub calls this synchronously on connection); resolved in turn.
      return perUser.run(ctx.userKey, async () => {
        const actor = await actorOf(core, ctx);
        if (await sessions.open(ctx.socket, actor)) await tellCounterparts(core, ctx, actor, 'userIsOnline');
      });
    },
    onDisconnect(ctx) {
      return perUser.run(ctx.userKey, async () => {
        // A socket whose connect handler failed was never counted.
        const closed = await sessions.close(ctx.socket);
        if (closed?.last) await tellCounterparts(core, ctx, closed.session, 'userIsOffline');
      });
    },
  };
}

/** One emit per (shared chat, counterpart), to every `/presence` socket of the counterpart. */
async function tellCounterparts(core: ChatCore, ctx: PresenceContext, actor: Actor, event: 'userIsOnline' | 'userIsOffline'): Promise<void> {
  if (actor.role === 'admin') return; // admins have no chats
  const pairs = await core.counterparts(actor.user.id);
  if (pairs.length === 0) return;
  const users = await core.getUsers(pairs.map((p) => p.userId));
  const message = event === 'userIsOnline' ? 'User is online' : 'User is offline';
  for (const { conversationId, userId } of pairs) {
    const user = users.get(userId);
    if (user === undefined) continue;
    ctx.emit(event, ok(message, { userId: Number(actor.externalId), userType: actor.role, chatId: conversationId }), { user: userKeyOfUser(user) });
  }
}
