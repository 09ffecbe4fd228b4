/**
 * Finding the chat a request names: by `chatId`, or by `productId` and the counterpart's
 * `recipientId`. Every lookup checks that the actor is one of the chat's two users: by id the
 * core refuses others (403), and by product the actor is part of the key, so a chat that is not
 * theirs is simply not found (404).
 */
import { isChatError, type ChatCore, type ConversationDetails } from '../core/index.js';
import { ProtocolError } from '../runtime/errors.js';
import { toProtocolError } from '../server/refusals.js';
import { chatRole, counterpartOf, realmOf, userKeyOfUser, userKey, type Actor } from './identity.js';
import { WORDING } from './wire.js';

/** A chat of the actor, and the other party in it. */
export interface ResolvedChat {
  readonly id: string;
  /** The counterpart's core user id and room key. */
  readonly counterpart: { readonly userId: string; readonly key: string };
}

/**
 * Chats a socket has looked up by product, so that typing indicators do not query the store on
 * every keystroke. Safe to keep: a product chat's two users never change and it is never
 * deleted. Bounded, oldest entry out first.
 */
export class ChatLookupCache {
  readonly #entries = new Map<string, ResolvedChat>();

  constructor(private readonly capacity = 256) {}

  get(productId: string, recipientId: number): ResolvedChat | undefined {
    return this.#entries.get(cacheKey(productId, recipientId));
  }

  set(productId: string, recipientId: number, chat: ResolvedChat): void {
    const key = cacheKey(productId, recipientId);
    this.#entries.delete(key);
    this.#entries.set(key, chat);
    if (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value!);
  }
}

const cacheKey = (productId: string, recipientId: number) => `${recipientId}\n${productId}`;

/** The other party of a chat the actor is in, from its participants. */
export function counterpartIn(details: ConversationDetails, actor: Actor): ResolvedChat['counterpart'] {
  const other = details.participants.find((p) => p.userId !== actor.user.id);
  if (other === undefined) throw new Error(`chat ${details.conversation.id} has a single participant`);
  return { userId: other.userId, key: userKeyOfUser(other.user) };
}

/** The chat of the actor and `recipientId` (a user of the counterpart role) about `productId`; 404 if none. */
export async function chatByProduct(
  core: ChatCore,
  actor: Actor,
  productId: string,
  recipientId: number,
  cache?: ChatLookupCache,
): Promise<ResolvedChat> {
  const cached = cache?.get(productId, recipientId);
  if (cached !== undefined) return cached;
  const role = chatRole(actor);
  const otherRole = counterpartOf(role);
  const notFound = () => new ProtocolError('notFound', `No chat about product ${productId} with ${otherRole} ${recipientId}`);
  // A user never seen has no chat: a read, where ensureUsers would write.
  const other = await core.findUser(realmOf(otherRole), String(recipientId));
  if (other === null) throw notFound();
  const pair = role === 'customer' ? { customerId: actor.user.id, vendorId: other.id } : { customerId: other.id, vendorId: actor.user.id };
  let id: string;
  try {
    ({ conversation: { id } } = await core.openProductChat({ ...pair, productId, create: false }));
  } catch (error) {
    if (isChatError(error, 'notFound')) throw notFound();
    throw toProtocolError(error, WORDING);
  }
  const chat: ResolvedChat = { id, counterpart: { userId: other.id, key: userKey(otherRole, other.externalId) } };
  cache?.set(productId, recipientId, chat);
  return chat;
}
