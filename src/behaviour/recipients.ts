/**
 * Recipients (CONVENTIONS.md §4.1), resolved to sockets of a namespace and grouped by the user
 * who receives each copy: `socket`, `actor`, `{ user }`, `conversation`, `others`,
 * `pendingSenders`, `namespace`, and the lifecycle's `counterparts` (bound one at a time).
 * Sockets are found in the rooms the runtime keeps: `user:<key>` and `conversation:<id>`.
 */
import { conversationRoom, userRoom } from '../runtime/errors.js';
import { asList, type Recipient } from '../spec/vocabulary.js';
import { compileUsers } from './expressions.js';
import type { Scope } from './scope.js';
import type { UserKey } from './state.js';

/** The sockets of a namespace, as recipients need them. */
export interface SocketDirectory {
  /** The user key of a socket ('' before a trust-mode socket announced its user). */
  keyOf(socketId: string): UserKey;
  /** Socket ids in a room of this namespace. */
  room(name: string): ReadonlySet<string>;
  /** Every socket id of the namespace. */
  all(): Iterable<string>;
}

/** Socket ids grouped by the user (key) who receives them; '' for sockets with no user yet. */
export type Delivery = Map<UserKey, Set<string>>;

export type CompiledRecipient = (scope: Scope, sockets: SocketDirectory, socketId: string | undefined, out: Delivery) => void;

function add(out: Delivery, key: UserKey, ids: Iterable<string>): void {
  let set = out.get(key);
  for (const id of ids) {
    if (!set) out.set(key, (set = new Set()));
    set.add(id);
  }
}

/** Whether a recipient list names `counterparts` (sent once per conversation and counterpart). */
export const namesCounterparts = (to: Recipient | Recipient[]): boolean => asList(to).includes('counterparts');

/** Compiles a recipient (or a list of them, whose union receives the emit, each socket once). */
export function compileRecipients(to: Recipient | Recipient[]): CompiledRecipient {
  const parts: CompiledRecipient[] = asList(to).map((r): CompiledRecipient => {
    if (typeof r === 'object') {
      const users = compileUsers(r.user);
      return (s, dir, _sid, out) => {
        for (const key of users(s)) add(out, key, dir.room(userRoom(key)));
      };
    }
    switch (r) {
      case 'socket':
        return (s, _dir, sid, out) => {
          if (sid) add(out, s.actor.key, [sid]);
        };
      case 'actor':
        return (s, dir, _sid, out) => add(out, s.actor.key, dir.room(userRoom(s.actor.key)));
      case 'conversation':
      case 'others':
        return (s, dir, sid, out) => {
          const conv = s.conversation;
          if (!conv) return;
          for (const key of conv.participants) {
            if (r === 'others' && key === s.actor.key) continue;
            add(out, key, dir.room(userRoom(key)));
          }
          // Sockets subscribed to the conversation's room whose user is not a known participant
          // (a stateless state knows no participants).
          for (const id of dir.room(conversationRoom(conv.id))) {
            const key = dir.keyOf(id);
            if (r === 'others' && (key === s.actor.key || id === sid)) continue;
            if (!out.get(key)?.has(id)) add(out, key, [id]);
          }
        };
      case 'pendingSenders':
        return (s, dir, _sid, out) => {
          for (const key of s.pendingSenders ?? []) add(out, key, dir.room(userRoom(key)));
        };
      case 'counterparts':
        // Bound per (conversation, counterpart) by the lifecycle: the recipient is in the scope.
        return (s, dir, _sid, out) => {
          if (s.recipient) add(out, s.recipient.key, dir.room(userRoom(s.recipient.key)));
        };
      case 'namespace':
        return (_s, dir, _sid, out) => {
          for (const id of dir.all()) add(out, dir.keyOf(id), [id]);
        };
    }
  });
  return (s, dir, sid, out) => {
    for (const p of parts) p(s, dir, sid, out);
  };
}
