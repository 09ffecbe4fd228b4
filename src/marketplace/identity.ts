/**
 * Who is who in marketplace. A user is the pair (role, id): customer 2 and vendor 2 are two
 * people, so each role is a realm of its own in the core (`marketplace:customer`, …) and a user's
 * room key is `<role>:<id>`, the key the generated stub joins every socket to. A user id inside a
 * request names a user of the actor's counterpart role.
 */
import type { ChatCore, User } from '../core/index.js';
import type { HandlerContext } from '../runtime/server.js';
import type * as T from '../../generated/marketplace/types.js';

export type Role = T.UserType;
/** The roles that chat: admins may be online, but have no chats. */
export type ChatRole = Exclude<Role, 'admin'>;

const ROLES: readonly Role[] = ['customer', 'vendor', 'admin'];

/** The core realm of a role. */
export function realmOf(role: Role): string {
  return `marketplace:${role}`;
}

/** The role a core realm stands for (a core user outside marketplace is a programming error). */
export function roleOfRealm(realm: string): Role {
  const role = realm.startsWith('marketplace:') ? (realm.slice('marketplace:'.length) as Role) : undefined;
  if (role === undefined || !ROLES.includes(role)) throw new Error(`'${realm}' is not a marketplace realm`);
  return role;
}

/** The other side of a chat: a customer's counterpart is a vendor, and the reverse. */
export function counterpartOf(role: ChatRole): ChatRole {
  return role === 'customer' ? 'vendor' : 'customer';
}

/** The room key of a user, as the generated stub builds it (`vendor:5`). */
export function userKey(role: Role, externalId: string): string {
  return `${role}:${externalId}`;
}

/** The room key of a core user of a marketplace realm. */
export function userKeyOfUser(user: User): string {
  return userKey(roleOfRealm(user.realm), user.externalId);
}

/** The wire id of a core user: marketplace ids are integers, kept by the core as strings. */
export function wireUserId(user: User): number {
  return Number(user.externalId);
}

/** The connected user of a socket: role, wire id, room key and core user. */
export interface Actor {
  readonly role: Role;
  readonly externalId: string;
  readonly key: string;
  readonly user: User;
}

const ACTOR = 'marketplaceActor';

/**
 * The connected user, resolved to a core user once per socket (created on first sight: the
 * token is the only registry of users marketplace has).
 */
export async function actorOf(core: ChatCore, ctx: Pick<HandlerContext, 'socket' | 'userId' | 'attributes'>): Promise<Actor> {
  const data = ctx.socket.data as Record<string, unknown>;
  const cached = data[ACTOR] as Actor | undefined;
  if (cached !== undefined) return cached;
  const role = ctx.attributes['type'] as Role;
  // Tokens carry no profile to refresh, so a known user costs a read, not a write per socket.
  const realm = realmOf(role);
  const user = (await core.findUser(realm, ctx.userId)) ?? (await core.upsertUser({ realm, externalId: ctx.userId }));
  const actor: Actor = { role, externalId: ctx.userId, key: userKey(role, ctx.userId), user };
  data[ACTOR] = actor;
  return actor;
}

/** The actor's role, narrowed to the chat roles (`/chat` admits no other). */
export function chatRole(actor: Actor): ChatRole {
  if (actor.role === 'admin') throw new Error('an admin reached a /chat handler');
  return actor.role;
}
