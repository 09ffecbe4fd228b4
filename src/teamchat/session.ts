/**
 * The connected user as the core knows them. Wire ids are the JWT `sub` (or, in trust mode, the
 * `user_id` of the first `connectRooms`); the core names users by internal ids in the realm
 * `teamchat`. Each socket resolves its user once, and is counted in presence from then on so
 * that stored messages are marked delivered to online members (CONVENTIONS.md §3.3).
 */
import { ProtocolError, type Context } from '../../generated/teamchat/server.js';
import type { ChatCore } from '../core/index.js';
import { refusing } from '../server/refusals.js';
import { SocketSessions } from '../server/sessions.js';
import { isUsableUserId } from './user-ids.js';

/** The realm of teamchat users in the core. */
export const REALM = 'teamchat';

/** A connected user: the id on the wire and the core's id. */
export interface SessionUser {
  readonly externalId: string;
  readonly id: string;
}

export class Sessions {
  // Deliveries never look here: they go to user rooms.
  readonly #sessions: SocketSessions<SessionUser>;

  constructor(private readonly core: ChatCore) {
    this.#sessions = new SocketSessions(core, (session) => session.id);
  }

  /**
   * The connected user of the socket behind `ctx`, created or refreshed in the core on first
   * use (the profile from the token's names, when there is a token).
   */
  async userOf(ctx: Context): Promise<SessionUser> {
    const known = this.#sessions.get(ctx.socket);
    if (known !== undefined && known.externalId === ctx.userId) return known;
    if (!ctx.userId) throw new ProtocolError('unauthenticated', "send 'connectRooms' first");
    if (!isUsableUserId(ctx.userId)) {
      throw new ProtocolError('forbidden', `user id '${ctx.userId}' is an event name of this protocol and cannot be a user`);
    }
    const name = displayName(ctx.attributes);
    const user = await refusing(async () =>
      name === undefined
        ? (await this.core.ensureUsers(REALM, [ctx.userId])).get(ctx.userId)!
        : await this.core.upsertUser({ realm: REALM, externalId: ctx.userId, name }),
    );
    const session = { externalId: ctx.userId, id: user.id };
    await this.#sessions.open(ctx.socket, session);
    return session;
  }

  /** Forgets a disconnected socket (the user goes offline with their last socket). */
  async disconnected(ctx: Context): Promise<void> {
    await this.#sessions.close(ctx.socket);
  }
}

/** "First Last" from the token's `first_name` and `last_name`, when it has either. */
function displayName(attributes: Readonly<Record<string, unknown>>): string | undefined {
  const parts = [attributes['first_name'], attributes['last_name']].filter((p): p is string => typeof p === 'string' && p.trim() !== '');
  return parts.length === 0 ? undefined : parts.join(' ').slice(0, 200);
}
