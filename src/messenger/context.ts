/**
 * What every part of the messenger adapter shares for one server: the core, the id directory,
 * the sockets' sessions, and where the server is reachable.
 */
import type { ChatCore } from '../core/chat-core.js';
import type { Logger } from '../server/logger.js';
import { mediaUrl } from '../server/media-route.js';
import type { Wording } from '../server/refusals.js';
import { SocketSessions } from '../server/sessions.js';
import { Directory } from './directory.js';

/**
 * How core refusals reach messenger clients: a core input by the payload field that carried it
 * (the core says `text` and `bytes`, the client sent `message` and `file`); a call names the
 * field at fault when the core names none, and other core names are kept.
 */
export const WORDING: Wording = {
  fields: { text: 'message', bytes: 'file', mimeType: 'mimeType', clientId: 'messageid' },
  unmapped: 'keep',
};

/** The connected user of a socket, as the core knows them. */
export interface Session {
  /** The core's id of the user. */
  readonly userId: string;
  /** The wire id (the token's `sub`, or `auth.userid` in trust mode). */
  readonly externalId: string;
}

export class MessengerContext {
  readonly directory: Directory;
  /** Each socket's user, counted online while it is connected. */
  readonly sessions: SocketSessions<Session>;

  constructor(
    readonly core: ChatCore,
    readonly logger: Logger,
    /** The server's base URL, known only once it listens. */
    readonly publicUrl: () => string,
  ) {
    this.directory = new Directory(core);
    this.sessions = new SocketSessions(core, (session) => session.userId);
  }

  /** Where the participants of a conversation fetch a stored file. */
  mediaUrl(mediaId: string): string {
    return mediaUrl(this.publicUrl(), mediaId);
  }
}
