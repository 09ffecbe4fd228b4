/**
 * Teamchat names two events after users: `{userId}` and `group_{userId}`. A user id that is
 * itself an event name would make those events ambiguous (a `typing` event carrying a message),
 * and Socket.IO refuses to emit its own reserved names at all. The spec says such ids must not
 * exist; this module is where that rule is enforced.
 */
import { ProtocolError } from '../../generated/teamchat/server.js';
import { events } from '../../generated/teamchat/validators.js';

/** The server's fixed event names (patterns left out), and Socket.IO's reserved ones. */
const RESERVED = new Set<string>([
  ...events['/'].server.filter((name) => !name.includes('{')),
  'connect',
  'connect_error',
  'disconnect',
  'disconnecting',
  'newListener',
  'removeListener',
]);

/** Ids that would read as `group_{userId}` (a `Room`) when used as `{userId}` (a `Message`). */
const GROUP_PREFIX = 'group_';

/**
 * Whether `userId` can name the events sent to that user.
 *
 * @example
 * isUsableUserId('65e01d25c002d6508c631ad9') // true
 * isUsableUserId('typing')                   // false
 */
export function isUsableUserId(userId: string): boolean {
  return !RESERVED.has(userId) && !userId.startsWith(GROUP_PREFIX);
}

/** Throws `invalidRequest` on the field naming a user whose id is an event name. */
export function requireUsableUserId(userId: string, field: string): void {
  if (!isUsableUserId(userId)) {
    throw new ProtocolError('invalidRequest', `user id '${userId}' is an event name of this protocol and cannot be a user`, field);
  }
}
