/**
 * Wire ids to the core's users, and pairs of users to their direct conversation. Both are
 * facts that never change once established (a user row is never re-keyed; a pair has one
 * direct conversation for ever), so they are cached in bounded maps: the hot path of
 * `sendMessage` then resolves both without a query. Profiles (names, pictures) do change and are
 * never cached here.
 */
import type { ChatCore } from '../core/chat-core.js';
import { isChatError } from '../core/errors.js';
import type { User } from '../core/types.js';
import { BoundedCache } from './bounded-cache.js';

/** The core's realm of messenger users. */
export const REALM = 'messenger';

/** Enough for every user active on one node; an evicted entry costs one query to restore. */
const CAPACITY = 50_000;

export class Directory {
  readonly #internalByExternal = new BoundedCache<string, string>(CAPACITY);
  readonly #externalByInternal = new BoundedCache<string, string>(CAPACITY);
  readonly #directByPair = new BoundedCache<string, string>(CAPACITY);

  constructor(private readonly core: ChatCore) {}

  /** Records a user the caller just read or wrote (their ids never change). */
  remember(user: Pick<User, 'id' | 'externalId'>): void {
    this.#internalByExternal.set(user.externalId, user.id);
    this.#externalByInternal.set(user.id, user.externalId);
  }

  /** The internal id of a wire id, creating a bare user if never seen (a message may go to someone who never connected). */
  async ensure(externalId: string): Promise<string> {
    const cached = this.#internalByExternal.get(externalId);
    if (cached !== undefined) return cached;
    const users = await this.core.ensureUsers(REALM, [externalId]);
    const user = users.get(externalId);
    if (user === undefined) throw new Error(`ensureUsers did not return ${externalId}`);
    this.remember(user);
    return user.id;
  }

  /** The internal id of a wire id, or null for a user nobody has named yet (nothing is created). */
  async find(externalId: string): Promise<string | null> {
    const cached = this.#internalByExternal.get(externalId);
    if (cached !== undefined) return cached;
    const user = await this.core.findUser(REALM, externalId);
    if (user === null) return null;
    this.remember(user);
    return user.id;
  }

  /** The wire ids of internal ids (unknown ones are left out). */
  async externalIds(internalIds: readonly string[]): Promise<Map<string, string>> {
    const result = new Map<string, string>();
    const missing: string[] = [];
    for (const id of internalIds) {
      const cached = this.#externalByInternal.get(id);
      if (cached === undefined) missing.push(id);
      else result.set(id, cached);
    }
    if (missing.length > 0) {
      for (const user of (await this.core.getUsers(missing)).values()) {
        this.remember(user);
        result.set(user.id, user.externalId);
      }
    }
    return result;
  }

  /**
   * The direct conversation of two users (internal ids): created when `create` is set,
   * else null when they have none.
   */
  async direct(userA: string, userB: string, options: { create: true }): Promise<string>;
  async direct(userA: string, userB: string, options?: { create?: false }): Promise<string | null>;
  async direct(userA: string, userB: string, options: { create?: boolean } = {}): Promise<string | null> {
    const key = userA < userB ? `${userA}:${userB}` : `${userB}:${userA}`;
    const cached = this.#directByPair.get(key);
    if (cached !== undefined) return cached;
    try {
      const { conversation } = await this.core.openDirect(userA, userB, { create: options.create === true });
      this.#directByPair.set(key, conversation.id);
      return conversation.id;
    } catch (error) {
      if (options.create !== true && isChatError(error, 'notFound')) return null;
      throw error;
    }
  }
}
