/**
 * Test data: users in a realm of their own per call, so tests sharing a store never see each
 * other's users, conversations or unread counts.
 */
import { randomBytes } from 'node:crypto';
import type { ChatCore } from '../../src/core/chat-core.js';
import type { User } from '../../src/core/types.js';

/** `count` users named user0, user1, … in a fresh realm. */
export async function makeUsers(core: ChatCore, count: number, realmPrefix = 'test'): Promise<User[]> {
  const realm = `${realmPrefix}-${randomBytes(4).toString('hex')}`;
  const users: User[] = [];
  for (let i = 0; i < count; i++) users.push(await core.upsertUser({ realm, externalId: `user${i}`, name: `User ${i}` }));
  return users;
}

/** Two users and their direct conversation. */
export async function directPair(core: ChatCore) {
  const [a, b] = (await makeUsers(core, 2)) as [User, User];
  const { conversation } = await core.openDirect(a.id, b.id, { create: true });
  return { a, b, conversation };
}

/** Sends `count` text messages from `senderId`, one after the other; returns them in order. */
export async function sendMany(core: ChatCore, conversationId: string, senderId: string, count: number, prefix = 'm') {
  const messages = [];
  for (let i = 0; i < count; i++) messages.push((await core.storeMessage({ conversationId, senderId, text: `${prefix}${i}` })).message);
  return messages;
}
