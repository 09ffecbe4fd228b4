/**
 * What the server knows about one rooms connection: the connected user's internal id, the
 * profile it last stored for them, and whether the socket counts as online and has joined the
 * user's rooms. State per socket only; deliveries never look here (they go through Socket.IO
 * rooms).
 */
import type { Socket } from 'socket.io';
import type { Context } from '../../generated/rooms/server.js';
import type * as T from '../../generated/rooms/types.js';
import { conversationRoom } from '../runtime/errors.js';
import type { ChatCore, UserProfile } from '../core/index.js';
import { SocketSessions } from '../server/sessions.js';

/** Users of this protocol live in their own realm: a rooms `u-1` is not a messenger `u-1`. */
export const REALM = 'rooms';

export interface Session {
  /** The connected user's internal id (what the core and the presence store use). */
  readonly userId: string;
  /** The profile last written, to skip identical upserts (one per change, not per message). */
  profileKey: string;
}

/**
 * The profile of the connected user: the verified token claims first, then what the user says
 * of themselves in their own `user` object (checked to be them by the stub). In trust mode
 * there are no claims, so the payload is all there is. Another user's object never reaches here.
 */
export function profileOf(
  userId: string,
  attributes: Readonly<Record<string, unknown>>,
  self?: T.User,
): Omit<UserProfile, 'realm' | 'externalId'> {
  const claim = (name: string) => (typeof attributes[name] === 'string' ? (attributes[name] as string) : undefined);
  const own = self !== undefined && self.user_id === userId ? self : undefined;
  return { name: claim('name') ?? own?.name, email: claim('email') ?? own?.email, picture: claim('picture') };
}

export class Sessions {
  readonly #sessions: SocketSessions<Session>;

  constructor(private readonly core: ChatCore) {
    this.#sessions = new SocketSessions(core, (session) => session.userId);
  }

  /** The socket's session, or undefined before it is opened. */
  get(socket: Socket): Session | undefined {
    return this.#sessions.get(socket);
  }

  /**
   * The socket's session, opened on first use: the user's profile is stored, the socket joins
   * the user's rooms, and then the user counts as online. Later calls only refresh the profile
   * when `self` changed it.
   */
  async open(ctx: Context, self?: T.User): Promise<Session> {
    const existing = this.#sessions.get(ctx.socket);
    if (existing !== undefined) {
      await this.#refresh(ctx, existing, self);
      return existing;
    }
    const profile = profileOf(ctx.userId, ctx.attributes, self);
    const user = await this.core.upsertUser({ realm: REALM, externalId: ctx.userId, ...profile });
    const session: Session = { userId: user.id, profileKey: JSON.stringify(profile) };
    // Join before counting as online: a message stored in between is then received but marked
    // pending (harmless), never marked delivered to a socket that missed it.
    await this.joinRooms(ctx.socket, session);
    if (!ctx.socket.connected) return session;
    await this.#sessions.open(ctx.socket, session);
    return session;
  }

  /** Subscribes the socket to every room of the user (the `joinConversations` effect). */
  async joinRooms(socket: Socket, session: Session): Promise<void> {
    const ids = await this.core.conversationIdsOf(session.userId);
    if (ids.length > 0) await socket.join(ids.map(conversationRoom));
  }

  /** Forgets the socket; the user goes offline with their last socket. */
  async close(socket: Socket): Promise<void> {
    await this.#sessions.close(socket);
  }

  async #refresh(ctx: Context, session: Session, self?: T.User): Promise<void> {
    if (self === undefined) return;
    const profile = profileOf(ctx.userId, ctx.attributes, self);
    const key = JSON.stringify(profile);
    if (key === session.profileKey) return;
    await this.core.upsertUser({ realm: REALM, externalId: ctx.userId, ...profile });
    session.profileKey = key;
  }
}
