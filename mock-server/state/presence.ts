/**
 * Who is online: a user with a socket in a namespace's `presence` namespace (CONVENTIONS.md
 * §2), read from Socket.IO's own rooms (`user:<key>`), plus the fake peers the chatter has
 * "connected".
 */
import type { Server } from 'socket.io';
import { userRoom } from '../../src/runtime/errors.js';
import type { UserKey } from './state.js';

export class Presence {
  private readonly virtual = new Map<string, Set<UserKey>>();

  constructor(private readonly io: Server) {}

  /** The ids of a user's sockets in a namespace. */
  sockets(key: UserKey, namespace: string): ReadonlySet<string> {
    return this.io.of(namespace).adapter.rooms.get(userRoom(key)) ?? new Set();
  }

  /** Whether a user has a socket (real, or a fake peer's) in a namespace. */
  isOnline(key: UserKey, namespace: string): boolean {
    return this.sockets(key, namespace).size > 0 || (this.virtual.get(namespace)?.has(key) ?? false);
  }

  /** Marks a fake peer online in a namespace; true when it was not before. */
  connectVirtual(key: UserKey, namespace: string): boolean {
    let set = this.virtual.get(namespace);
    if (!set) this.virtual.set(namespace, (set = new Set()));
    if (set.has(key)) return false;
    set.add(key);
    return true;
  }

  /** Marks a fake peer offline in a namespace; true when it was online. */
  disconnectVirtual(key: UserKey, namespace: string): boolean {
    return this.virtual.get(namespace)?.delete(key) ?? false;
  }

  /** Whether a fake peer is online in a namespace. */
  isVirtual(key: UserKey, namespace: string): boolean {
    return this.virtual.get(namespace)?.has(key) ?? false;
  }

  /** Forgets the fake peers' presence. */
  reset(): void {
    this.virtual.clear();
  }
}
