/**
 * The bank of broken servers: each entry a reference server with one fault on its wire (wire.ts),
 * what the fault breaks, and the contract cases that concern it (`only`: the cases of the client
 * events whose sequence the fault touches, the handshake or lifecycle cases for those faults).
 *
 * A fault is caught when at least one of those cases fails. Faults are written as the bug they
 * model, not to be caught: an entry with `gap` is one the runner lets through, and says why.
 */
import { createHmac } from 'node:crypto';
import { TEST_KEY } from '../../helpers/servers.js';
import type { Protocol } from '../../helpers/specs.js';
import { appendAfter, at, dropEvent, duplicateEvent, isEvent, leak, mapPayload, put, rename, swapConsecutive } from './transforms.js';
import { eventOf, eventPacket, PacketType, type WireConn, type WireFault, type WirePacket } from './wire.js';

/** What a fault may use: tokens signed with the server's key, and who a connection is. */
export interface FaultEnv {
  readonly protocol: Protocol;
  /** A valid token (the server's key) for a user; marketplace: `{ type: 'customer' }`. */
  token(user: string, attributes?: Record<string, string>): Promise<string>;
  /** The user id a connection's token names (unverified), as a string. */
  userOf(conn: WireConn): string | undefined;
  /** Its role, where the protocol has roles. */
  roleOf(conn: WireConn): string | undefined;
}

export interface FaultEntry {
  readonly id: string;
  readonly protocol: Protocol;
  /** The kind of fault (wrong recipients, missing emit…). */
  readonly kind: string;
  /** What the broken server does. */
  readonly description: string;
  /** The spec rule it breaks. */
  readonly breaks: string;
  /** The runner's `--only`: the cases of the events the fault touches. */
  readonly only: string;
  readonly make: (env: FaultEnv) => WireFault | Promise<WireFault>;
  /** Set when the runner misses this fault: the gap that lets it through (the test is `it.fails`). */
  readonly gap?: string;
}

type Obj = Record<string, unknown>;

/** An HS256 token with `claims`, fresh `iat`/`exp`, signed with the servers' test secret. */
function signWithTestKey(claims: Obj): string {
  if (TEST_KEY.algorithm !== 'HS256') throw new Error('the bank re-signs with an HS256 test key');
  const now = Math.floor(Date.now() / 1000);
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ ...claims, iat: now, exp: now + 3600 })}`;
  return `${unsigned}.${createHmac('sha256', TEST_KEY.secret).update(unsigned).digest('base64url')}`;
}

/** The claims of a JWT, unverified; undefined when it is not one. */
function claimsOf(token: string): Obj | undefined {
  try {
    const claims: unknown = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null ? (claims as Obj) : undefined;
  } catch {
    return undefined;
  }
}

const connectAuth = (p: WirePacket): Obj | undefined => (p.type === PacketType.CONNECT ? ((p.data as Obj | undefined) ?? {}) : undefined);

/** The other sockets of the user `conn` belongs to, on the same namespace. */
const sameUser = (env: FaultEnv, conn: WireConn, nsp: string) => conn.wire.conns().filter((c) => c !== conn && env.userOf(c) === env.userOf(conn) && c.namespaces.has(nsp));

export const BANK: readonly FaultEntry[] = [
  // ─── messenger ───────────────────────────────────────────────────────────────────────────────
  {
    id: 'messenger-see-without-count',
    protocol: 'messenger',
    kind: 'missing emit',
    description: 'after seeMessage, the viewer gets no unreadMessagesCount (seenMessage to the sender still goes)',
    breaks: 'seeMessage emits #2: unreadMessagesCount to the actor',
    only: 'seeMessage',
    make: () => ({
      outgoing: dropEvent('unreadMessagesCount', (_p, conn) => conn.wire.lastIncoming(['sendMessage', 'sendMedia', 'seeMessage', 'deleteMessage'])?.name === 'seeMessage'),
    }),
  },
  {
    id: 'messenger-count-before-message',
    protocol: 'messenger',
    kind: 'emits swapped',
    description: 'the receiver gets unreadMessagesCount before the newMessage it counts',
    breaks: 'sendMessage emits in order: newMessage (#4) before unreadMessagesCount (#5)',
    only: 'sendMessage',
    make: () => ({ outgoing: swapConsecutive('newMessage', 'unreadMessagesCount') }),
  },
  {
    id: 'messenger-delivered-while-offline',
    protocol: 'messenger',
    kind: 'wrong condition',
    description: 'the sender gets deliveredMessage although the receiver has no socket',
    breaks: 'sendMessage emit #1 `when: { online: $request.receiverid }`',
    only: 'sendMessage',
    make: (env) => {
      // Per sender: the receiver of their latest sendMessage, when offline, and the sockets told so far.
      const offline = new Map<string, { receiver: string; told: Set<WireConn> }>();
      return {
        incoming(p, conn) {
          const e = eventOf(p);
          const user = env.userOf(conn);
          if (e?.name === 'sendMessage' && user !== undefined) {
            const receiver = String(at(e.payload, 'receiverid'));
            const online = conn.wire.conns().some((c) => env.userOf(c) === receiver && c.namespaces.has('/'));
            if (online) offline.delete(user);
            else offline.set(user, { receiver, told: new Set() });
          }
          return [p];
        },
        // Where the sequence's first emit to the sender goes out (the server accepted the request),
        // deliveredMessage goes first, as if the condition held.
        outgoing(p, conn) {
          const e = eventOf(p);
          const pending = offline.get(env.userOf(conn) ?? '');
          if (!pending || pending.told.has(conn) || (e?.name !== 'newThread' && e?.name !== 'threadUpdate')) return [p];
          pending.told.add(conn);
          return [eventPacket(p.nsp, 'deliveredMessage', { receiverid: pending.receiver }), p];
        },
      };
    },
  },
  {
    id: 'messenger-count-after-delete',
    protocol: 'messenger',
    kind: 'extra emit',
    description: 'after messageDeleted, the receiver also gets an unreadMessagesCount the sequence does not have',
    breaks: 'deleteMessage emits only messageDeleted',
    only: 'deleteMessage',
    make: () => ({ outgoing: appendAfter('messageDeleted', (p) => eventPacket(p.nsp, 'unreadMessagesCount', { count: 0 })) }),
  },
  {
    id: 'messenger-handshake-open',
    protocol: 'messenger',
    kind: 'handshake not enforced',
    description: 'a CONNECT without a token is let in (as a valid user)',
    breaks: 'handshake jwt: no credential → connect_error 401',
    only: 'handshake',
    make: async (env) => {
      const token = await env.token('intruder');
      return { incoming: (p) => [connectAuth(p) && connectAuth(p)!.token === undefined ? { ...p, data: { ...connectAuth(p), token } } : p] };
    },
  },
  {
    id: 'messenger-messageid-is-server-id',
    protocol: 'messenger',
    kind: 'correlated field wrong',
    description: "newMessage.messageid carries the server's _id instead of the client's messageid",
    breaks: 'newMessage fields: messageid = $request.messageid',
    only: 'sendMessage',
    make: () => ({ outgoing: mapPayload('newMessage', (p) => put(p, 'messageid', at(p, '_id'))) }),
  },
  {
    id: 'messenger-unread-off-by-one',
    protocol: 'messenger',
    kind: 'count off by one',
    description: 'unreadMessagesCount.count is one more than the unread messages',
    breaks: 'unreadMessagesCount fields: count = $unread.total',
    only: 'sendMessage,sendMedia,seeMessage',
    make: () => ({ outgoing: mapPayload('unreadMessagesCount', (p) => put(p, 'count', Number(at(p, 'count')) + 1)) }),
  },
  {
    id: 'messenger-stale-online-flag',
    protocol: 'messenger',
    kind: 'lifecycle emit wrong',
    description: "threadUpdate always shows both participants online (is_online '1'), also when one just left",
    breaks: "Participant.is_online: '1' while the user has a socket, else '0' (onDisconnect threadUpdate)",
    only: 'connect,sendMessage',
    gap: "messenger./.connect.lifecycle.* checks the onDisconnect threadUpdate's schema and its `fields` (_id, unreadCount) only; what is_online must be is prose in Participant.is_online, no emit field or expression says the one who left is '0', so nothing compares it (scenario.ts check())",
    make: () => ({ outgoing: mapPayload('threadUpdate', (p) => put(p, 'participants', (at(p, 'participants') as Obj[]).map((x) => ({ ...x, is_online: '1' })))) }),
  },

  // ─── rooms ───────────────────────────────────────────────────────────────────────────────────
  {
    id: 'rooms-typing-to-everyone',
    protocol: 'rooms',
    kind: 'wrong recipients',
    description: 'show_start_typing goes to every socket of the namespace, not only the room',
    breaks: 'typing_start emit `to: conversation`',
    only: 'typing_start',
    make: () => ({ outgoing: leak('show_start_typing', (others) => others) }),
  },
  {
    id: 'rooms-broadcast-extra-field',
    protocol: 'rooms',
    kind: 'undocumented field',
    description: 'message_broadcast carries an `edited: false` field the schema does not have',
    breaks: 'MessageBroadcast additionalProperties: false',
    only: 'new_message',
    make: () => ({ outgoing: mapPayload('message_broadcast', (p) => ({ ...(p as Obj), edited: false })) }),
  },
  {
    id: 'rooms-error-422',
    protocol: 'rooms',
    kind: 'wrong error status',
    description: 'a new_message the schema rejects is answered with status_code 422 instead of 400',
    breaks: 'CONVENTIONS §5: invalidPayload is 400',
    only: 'new_message',
    make: () => ({ outgoing: mapPayload('error', (p) => put(p, 'status_code', 422), (p) => at(p, 'data.event') === 'new_message' && at(p, 'status_code') === 400) }),
  },
  {
    id: 'rooms-crash-on-typing-end',
    protocol: 'rooms',
    kind: 'crash on a payload',
    description: 'the connection dies when typing_end arrives',
    breaks: 'CONVENTIONS §5: a server never crashes on a payload; typing_end emits show_end_typing',
    only: 'typing_end',
    make: () => ({
      incoming(p, conn) {
        if (!isEvent(p, 'typing_end')) return [p];
        conn.close();
        return [];
      },
    }),
  },
  {
    id: 'rooms-message-id-per-recipient',
    protocol: 'rooms',
    kind: 'id inconsistent across recipients',
    description: "message_broadcast.message_body._id differs in the other members' copies",
    breaks: 'message_broadcast message_body._id = $message.id, one message for all',
    only: 'new_message',
    make: (env) => ({
      outgoing: mapPayload('message_broadcast', (p) => put(p, 'message_body._id', `${String(at(p, 'message_body._id'))}1`), (p, conn) => String(at(p, 'sender.user_id')) !== env.userOf(conn)),
    }),
  },
  {
    id: 'rooms-chats-to-other-tab',
    protocol: 'rooms',
    kind: 'reply to the wrong socket',
    description: "set_chats goes to another of the user's sockets, not the one that asked",
    breaks: 'get_chats emit `to: socket`',
    only: 'get_chats',
    make: (env) => ({
      outgoing(p, conn) {
        const other = isEvent(p, 'set_chats') ? sameUser(env, conn, p.nsp)[0] : undefined;
        if (!other) return [p];
        other.send(p);
        return [];
      },
    }),
  },

  {
    id: 'rooms-chats-without-newest-room',
    protocol: 'rooms',
    kind: 'stored conversation missing from a later list',
    description: 'set_chats leaves out the room with the most recent activity',
    breaks: 'SetChats.chats: every room of the user',
    only: 'get_chats',
    make: () => ({ outgoing: mapPayload('set_chats', (p) => put(p, 'chats', (at(p, 'chats') as unknown[]).slice(1)), (p) => Array.isArray(at(p, 'chats'))) }),
  },
  {
    id: 'rooms-chats-without-last-message',
    protocol: 'rooms',
    kind: 'stored message missing from a later list',
    description: 'set_chats lists the rooms without their last_message',
    breaks: "Room.last_message: the room's latest message, absent only while the room has none",
    only: 'get_chats',
    make: () => ({ outgoing: mapPayload('set_chats', (p) => put(p, 'chats', (at(p, 'chats') as Obj[]).map(({ last_message: _gone, ...room }) => room)), (p) => Array.isArray(at(p, 'chats'))) }),
  },

  // ─── marketplace ─────────────────────────────────────────────────────────────────────────────
  {
    id: 'marketplace-receive-twice',
    protocol: 'marketplace',
    kind: 'extra emit (duplicate)',
    description: 'every receiveMessage is sent twice',
    breaks: 'sendMessage emits receiveMessage once per socket',
    only: 'sendMessage',
    make: () => ({ outgoing: duplicateEvent('receiveMessage') }),
  },
  {
    id: 'marketplace-error-status-renamed',
    protocol: 'marketplace',
    kind: 'wrong error shape',
    description: 'appError carries `status` instead of `statusCode`',
    breaks: 'AppError: required statusCode, additionalProperties: false',
    only: 'deleteMessage',
    make: () => ({ outgoing: mapPayload('appError', (p) => rename(p, 'statusCode', 'status')) }),
  },
  {
    id: 'marketplace-error-wrong-event',
    protocol: 'marketplace',
    kind: 'error names the wrong event',
    description: "a failed joinChat's appError says data.event 'chat:joinChat'",
    breaks: 'errors fields: data.event = $error.event (the client event that failed)',
    only: 'joinChat',
    make: () => ({ outgoing: mapPayload('appError', (p) => put(p, 'data.event', 'chat:joinChat'), (p) => at(p, 'data.event') === 'joinChat') }),
  },
  {
    id: 'marketplace-no-offline-notice',
    protocol: 'marketplace',
    kind: 'lifecycle emit missing',
    description: 'counterparts never get userIsOffline',
    breaks: '/presence onDisconnect: userIsOffline to counterparts',
    only: 'connect',
    make: () => ({ outgoing: dropEvent('userIsOffline') }),
  },
  {
    id: 'marketplace-no-online-notice',
    protocol: 'marketplace',
    kind: 'lifecycle emit missing',
    description: 'counterparts never get userIsOnline',
    breaks: '/presence onConnect: userIsOnline to counterparts',
    only: 'connect',
    make: () => ({ outgoing: dropEvent('userIsOnline') }),
  },
  {
    id: 'marketplace-history-drops-newest',
    protocol: 'marketplace',
    kind: 'stored message missing from a later list',
    description: "joinChat's loadMessages leaves out the chat's newest message",
    breaks: 'Chat.messages: the latest page, newest first (the stored message must be in it)',
    only: 'joinChat',
    make: () => ({
      outgoing: mapPayload('loadMessages', (p) => put(p, 'data.messages', (at(p, 'data.messages') as unknown[]).slice(1)), (p) => Array.isArray(at(p, 'data.messages')) && (at(p, 'data.messages') as unknown[]).length > 0),
    }),
  },
  {
    id: 'marketplace-token-unverified',
    protocol: 'marketplace',
    kind: 'handshake not enforced',
    description: "tokens are not verified: a badly signed or expired token is taken for its claims' user",
    breaks: 'handshake jwt: bad signature, expired → appError 401 and a disconnect',
    only: 'handshake',
    make: () => ({
      incoming(p) {
        const auth = connectAuth(p);
        const claims = typeof auth?.token === 'string' ? claimsOf(auth.token) : undefined;
        return [claims ? { ...p, data: { ...auth, token: signWithTestKey(claims) } } : p];
      },
    }),
  },
  {
    id: 'marketplace-receipt-to-reader',
    protocol: 'marketplace',
    kind: 'wrong recipients',
    description: "updateReadReceipts also goes to the reader's own sockets",
    breaks: 'markAsRead / joinChat emit updateReadReceipts `to: others`',
    only: 'markAsRead,joinChat',
    make: (env) => ({ outgoing: leak('updateReadReceipts', (others, payload) => others.filter((c) => env.userOf(c) === String(at(payload, 'data.readerId')))) }),
  },

  // ─── teamchat ────────────────────────────────────────────────────────────────────────────────
  {
    id: 'teamchat-bad-group-unanswered',
    protocol: 'teamchat',
    kind: 'no error on a bad payload',
    description: 'a createGroup the schema rejects gets no error event',
    breaks: 'CONVENTIONS §5: invalidPayload → the error event to the socket',
    only: 'createGroup',
    make: () => ({ outgoing: dropEvent('error', (p) => at(p, 'event') === 'createGroup' && at(p, 'statusCode') === 400) }),
  },
  {
    id: 'teamchat-edit-date-number',
    protocol: 'teamchat',
    kind: 'field of the wrong type',
    description: 'edited.dateEdited is epoch milliseconds (a number), not an ISO 8601 string',
    breaks: 'MessageEdited.dateEdited: string, date-time',
    only: 'editMessage',
    make: () => ({ outgoing: mapPayload('edited', (p) => put(p, 'dateEdited', Date.parse(String(at(p, 'dateEdited'))))) }),
  },
  {
    id: 'teamchat-impersonated-delete',
    protocol: 'teamchat',
    kind: 'impersonation accepted',
    description: 'a deleteMessage naming another user as user_id gets no forbidden error',
    breaks: 'deleteMessage actor $request.user_id must be the authenticated user, else 403',
    only: 'deleteMessage',
    make: (env) => {
      const impostors = new Set<WireConn>();
      return {
        incoming(p, conn) {
          const e = eventOf(p);
          const named = at(e?.payload, 'user_id');
          if (e?.name === 'deleteMessage' && named !== undefined && String(named) !== env.userOf(conn)) impostors.add(conn);
          return [p];
        },
        outgoing(p, conn) {
          const e = eventOf(p);
          if (e?.name === 'error' && impostors.has(conn) && at(e.payload, 'event') === 'deleteMessage' && at(e.payload, 'statusCode') === 403) {
            impostors.delete(conn);
            return [];
          }
          return [p];
        },
      };
    },
  },
  {
    id: 'teamchat-error-message-renamed',
    protocol: 'teamchat',
    kind: 'wrong error shape',
    description: 'the error event carries `msg` instead of `message`',
    breaks: 'Error: required message, additionalProperties: false',
    only: 'pinMessage',
    make: () => ({ outgoing: mapPayload('error', (p) => rename(p, 'message', 'msg')) }),
  },
  {
    id: 'teamchat-copy-to-one-tab',
    protocol: 'teamchat',
    kind: 'reply to the wrong socket',
    description: "after sendNewMessage, the sender's `message` copy reaches only the socket that sent it",
    breaks: 'sendNewMessage emit #2 `to: actor` (every socket of the sender)',
    only: 'sendNewMessage',
    make: (env) => ({
      outgoing: dropEvent('message', (_p, conn) => {
        const cause = conn.wire.lastIncoming(['sendNewMessage', 'sendMessage']);
        return cause?.name === 'sendNewMessage' && cause.conn !== conn && env.userOf(cause.conn) === env.userOf(conn);
      }),
    }),
  },
  {
    id: 'teamchat-typing-leak',
    protocol: 'teamchat',
    kind: 'wrong recipients',
    description: 'typing also reaches one socket outside the room',
    breaks: 'typing emit `to: conversation`',
    only: 'typing',
    make: () => ({ outgoing: leak('typing', (others) => others.slice(0, 1)) }),
  },
];
