/**
 * A small in-memory SocketDirectory (src/behaviour/recipients.ts): sockets of one namespace,
 * each in the room `user:<key>` of its user as the runtime keeps them, and in whatever
 * `conversation:<id>` rooms a test joins it to. Plus a helper that reads a Delivery as plain data.
 */
import type { Delivery, SocketDirectory } from '../../src/behaviour/index.js';

export class MemorySockets implements SocketDirectory {
  private readonly users = new Map<string, string>();
  private readonly rooms = new Map<string, Set<string>>();

  /** Connects a socket of a user ('' for a trust-mode socket that has not announced its user). */
  connect(socketId: string, key: string): this {
    this.users.set(socketId, key);
    if (key !== '') this.join(socketId, `user:${key}`);
    return this;
  }

  join(socketId: string, ...rooms: string[]): this {
    for (const name of rooms) {
      let room = this.rooms.get(name);
      if (!room) this.rooms.set(name, (room = new Set()));
      room.add(socketId);
    }
    return this;
  }

  /** The rooms a socket is in, sorted. */
  roomsOf(socketId: string): string[] {
    return [...this.rooms].filter(([, ids]) => ids.has(socketId)).map(([name]) => name).sort();
  }

  keyOf(socketId: string): string {
    return this.users.get(socketId) ?? '';
  }

  room(name: string): ReadonlySet<string> {
    return this.rooms.get(name) ?? new Set();
  }

  all(): Iterable<string> {
    return this.users.keys();
  }
}

/** A Delivery as `{ user: [socket ids, sorted] }`, for comparing with `toEqual`. */
export function plain(delivery: Delivery): Record<string, string[]> {
  return Object.fromEntries([...delivery].map(([key, ids]) => [key, [...ids].sort()]));
}
