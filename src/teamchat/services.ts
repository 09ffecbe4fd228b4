/** What teamchat's handlers share: the core, the connected users, the rooms' members. */
import type { ChatCore } from '../core/index.js';
import type { Logger } from '../server/logger.js';
import type { RoomMembersCache } from './room-members.js';
import type { Sessions } from './session.js';

export interface Services {
  readonly core: ChatCore;
  readonly sessions: Sessions;
  readonly rooms: RoomMembersCache;
  /** The server's base URL: uploaded files are served under it. */
  readonly publicUrl: () => string;
  readonly logger: Logger;
}
