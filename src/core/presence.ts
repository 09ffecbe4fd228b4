/**
 * Who is online. A user is online while any of their sockets is connected, on any server
 * node; so presence is a store shared by the nodes, keyed by user and socket. The interface is
 * async because the shared implementation (Redis) will be.
 *
 * Keys are the core's user ids (`User.id`), which are unique across realms: marketplace's
 * customer 2 and vendor 2 are two keys.
 */

export interface PresenceStore {
  /**
   * Records a connected socket of the user.
   * @returns true when it is the user's first socket: they just came online.
   */
  add(userKey: string, socketId: string): Promise<boolean>;
  /**
   * Forgets a socket of the user.
   * @returns true when it was the user's last socket: they just went offline. False for a
   *   socket that was not recorded (a double disconnect is not a second "went offline").
   */
  remove(userKey: string, socketId: string): Promise<boolean>;
  /** Whether the user has a socket connected. */
  isOnline(userKey: string): Promise<boolean>;
  /** Those of `userKeys` who are online, in one round trip. */
  onlineAmong(userKeys: Iterable<string>): Promise<Set<string>>;
  /** Releases connections (a Redis client); a no-op in memory. */
  close?(): Promise<void>;
}

/**
 * Presence in this process's memory: right for a single server node and for tests. Several
 * nodes need a shared store (Redis), or each would see only its own sockets.
 */
export class MemoryPresenceStore implements PresenceStore {
  readonly #sockets = new Map<string, Set<string>>();

  async add(userKey: string, socketId: string): Promise<boolean> {
    const sockets = this.#sockets.get(userKey);
    if (sockets === undefined) {
      this.#sockets.set(userKey, new Set([socketId]));
      return true;
    }
    sockets.add(socketId);
    return false;
  }

  async remove(userKey: string, socketId: string): Promise<boolean> {
    const sockets = this.#sockets.get(userKey);
    if (sockets === undefined || !sockets.delete(socketId)) return false;
    if (sockets.size > 0) return false;
    this.#sockets.delete(userKey);
    return true;
  }

  async isOnline(userKey: string): Promise<boolean> {
    return this.#sockets.has(userKey);
  }

  async onlineAmong(userKeys: Iterable<string>): Promise<Set<string>> {
    const online = new Set<string>();
    for (const key of userKeys) if (this.#sockets.has(key)) online.add(key);
    return online;
  }
}
