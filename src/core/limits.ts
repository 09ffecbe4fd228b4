/**
 * Bounds on everything the core stores or returns. The wire limits of CONVENTIONS.md §1 (ids
 * ≤ 64, text ≤ 5,000, names ≤ 200, URLs ≤ 2,048) are repeated here because the core is the
 * last line of defence: an adapter that forgets to validate must not be able to store a
 * megabyte "name" or ask for a million rows.
 */
import { invalidPayload } from './errors.js';

export const LIMITS = {
  id: 64,
  realm: 64,
  text: 5_000,
  name: 200,
  email: 254,
  url: 2_048,
  kind: 64,
  /** Serialized size of a metadata object, in characters. */
  metadata: 16_384,
  /** Entries in a message's media list. */
  mediaItems: 20,
  /** Serialized size of a message's media list, in characters. */
  media: 32_768,
  /** Members of a group, the creator included. */
  groupMembers: 1_000,
  /** Users resolved in one `ensureUsers` call. */
  usersPerCall: 1_000,
} as const;

/** Page sizes: `default` when the caller gives none, clamped to `max`. */
export const PAGES = {
  /** A conversation's history. */
  messages: { default: 50, max: 200 },
  /** A user's conversations (rooms' `set_chats` allows 1,000). */
  conversations: { default: 50, max: 1_000 },
  /** Messages embedded per conversation in a listing (marketplace's `userChats`: 50). */
  recentMessages: { default: 0, max: 50 },
  /** A user's unread messages across conversations (marketplace's `offlineMessages`: 200). */
  offline: { default: 100, max: 200 },
  /** Pinned messages of a conversation (teamchat's `pinned_messages`: 100). */
  pinned: { default: 100, max: 100 },
  /** Ids, counterparts, co-participants of a user. */
  related: { default: 1_000, max: 5_000 },
} as const;

/**
 * A page size: the default when absent, else clamped into [min, max]. A value that is not a
 * whole number is the caller's mistake.
 *
 * @example
 * clampLimit(undefined, PAGES.messages) // 50
 * clampLimit(10_000, PAGES.messages)    // 200
 */
export function clampLimit(value: number | undefined, page: { default: number; max: number }, field = 'limit'): number {
  if (value === undefined) return page.default;
  if (!Number.isInteger(value)) throw invalidPayload(field, 'must be a whole number');
  const min = page.default === 0 ? 0 : 1;
  return Math.min(Math.max(value, min), page.max);
}
