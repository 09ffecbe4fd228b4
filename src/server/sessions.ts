/**
 * The connected user of each socket, for every adapter, and the presence that goes with it: a
 * socket counts its user online in the core from the moment the user is known until the socket
 * leaves. Who is online across server nodes (user → sockets) is the core's presence store; this
 * registry only remembers, per socket of this node, whose it is, so no adapter keeps maps of its
 * own. Keyed by socket, weakly: a socket's state dies with it.
 */
import type { Socket } from 'socket.io';
import type { ChatCore } from '../core/chat-core.js';
import { DatabaseClosedError } from '../storage/errors.js';

export class SocketSessions<Session> {
  readonly #bySocket = new WeakMap<Socket, Session>();

  /**
   * @param userIdOf the core user id of a session (what presence counts)
   *
   * @example
   * const sessions = new SocketSessions<Actor>(core, (actor) => actor.user.id);
   */
  constructor(
    private readonly core: ChatCore,
    private readonly userIdOf: (session: Session) => string,
  ) {}

  /** The socket's session, or undefined before it is opened. */
  get(socket: Socket): Session | undefined {
    return this.#bySocket.get(socket);
  }

  /** The socket is the session's user's from now on, and counts them online; true for the user's first socket. */
  async open(socket: Socket, session: Session): Promise<boolean> {
    this.#bySocket.set(socket, session);
    return this.core.socketConnected(this.userIdOf(session), socket.id);
  }

  /**
   * The socket left: forgotten, and no longer counted. Resolves its session and whether it was
   * the user's last socket; undefined for a socket never opened, and once the core is closing
   * (the server is stopping: every socket leaves, and nobody is left to tell).
   */
  async close(socket: Socket): Promise<{ session: Session; last: boolean } | undefined> {
    const session = this.#bySocket.get(socket);
    if (session === undefined) return undefined;
    this.#bySocket.delete(socket);
    try {
      return { session, last: await this.core.socketDisconnected(this.userIdOf(session), socket.id) };
    } catch (error) {
      if (error instanceof DatabaseClosedError) return undefined;
      throw error;
    }
  }
}
