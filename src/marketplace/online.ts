/**
 * Who is online: a user with a socket in `/presence`. The core's presence store is the shared
 * truth (every server node writes it); this node's own `/presence` room of the user answers
 * first, because the store is written only once the socket's connect handler has run, and a
 * client may open `/chat` the moment `/presence` says it is connected.
 */
import type { Namespace } from 'socket.io';
import type { ChatCore } from '../core/index.js';
import { userRoom } from '../runtime/errors.js';
import { realmOf, type Role } from './identity.js';

export class OnlineStatus {
  constructor(
    private readonly core: ChatCore,
    private readonly presence: Namespace,
  ) {}

  /**
   * Whether the user with room key `key` (`vendor:5`) is online. Pass their core id when known,
   * to save a lookup.
   */
  async isOnline(key: string, coreUserId?: string): Promise<boolean> {
    if ((this.presence.adapter.rooms.get(userRoom(key))?.size ?? 0) > 0) return true;
    let id = coreUserId;
    if (id === undefined) {
      const split = key.indexOf(':');
      const user = await this.core.findUser(realmOf(key.slice(0, split) as Role), key.slice(split + 1));
      if (user === null) return false;
      id = user.id;
    }
    return this.core.isOnline(id);
  }
}
