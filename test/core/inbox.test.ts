/**
 * A user's conversation list: order by last activity, keyset pagination, what each entry
 * carries, and a number of queries that does not grow with the page.
 */
import { describe, expect, it } from 'vitest';
import { Conversations } from '../../src/core/conversations.js';
import { decodeCursor, encodeCursor } from '../../src/core/inbox.js';
import type { User } from '../../src/core/types.js';
import { describeEachBackend, useCore } from '../storage/backends.js';
import { makeUsers, sendMany } from './fixtures.js';

describe('inbox cursors', () => {
  it('round-trips', () => {
    const cursor = { at: '2024-05-15T07:19:36.621Z', id: 'abc' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it.each([
    ['not base64 json', '!!!'],
    ['json of the wrong shape', Buffer.from('{"a":1}').toString('base64url')],
    ['a bad date', Buffer.from('["x","y"]').toString('base64url')],
  ])('refuses %s', (_name, value) => {
    expect(() => decodeCursor(value)).toThrow(expect.objectContaining({ kind: 'invalidPayload', field: 'cursor' }));
  });
});

describeEachBackend('inbox', (backend) => {
  let queries = 0;
  const core = useCore(backend, { onQuery: () => void queries++ });

  /** `me` and a direct conversation with each of `count` others, created in order. */
  async function inboxOf(count: number) {
    const [me, ...others] = (await makeUsers(core(), count + 1)) as [User, ...User[]];
    const conversations = [];
    const base = Date.now() - 100_000;
    for (const [i, other] of others.entries()) {
      conversations.push(
        (await new Conversations(core().database).openKeyed({ kind: 'direct', participantIds: [me.id, other.id], create: true }, new Date(base + i * 10)))
          .conversation,
      );
    }
    return { me, others, conversations };
  }

  it('lists conversations most recently active first: last message, else creation', async () => {
    const { me, others, conversations } = await inboxOf(3);
    const [c0, c1, c2] = conversations as [(typeof conversations)[0], (typeof conversations)[0], (typeof conversations)[0]];
    await core().storeMessage({ conversationId: c0.id, senderId: others[0]!.id, text: 'bump' });
    const page = await core().listConversations(me.id);
    expect(page.items.map((s) => s.conversation.id)).toEqual([c0.id, c2.id, c1.id]);
    expect(page.nextCursor).toBeNull();
  });

  it('gives each entry its participants, last live message, unread count and recent messages', async () => {
    const { me, others, conversations } = await inboxOf(1);
    const conversation = conversations[0]!;
    const sent = await sendMany(core(), conversation.id, others[0]!.id, 4);
    await core().deleteMessage({ userId: others[0]!.id, messageId: sent[3]!.id });
    await core().markRead(me.id, conversation.id, { upTo: sent[0]!.id });

    const [entry] = (await core().listConversations(me.id, { recentMessages: 2 })).items;
    expect(entry!.participants.map((p) => p.user.name).sort()).toEqual([others[0]!.name, me.name].sort());
    expect(entry!.lastMessage?.id).toBe(sent[2]!.id);
    expect(entry!.unread).toBe(2);
    expect(entry!.recentMessages.map((m) => m.id)).toEqual([sent[2]!.id, sent[1]!.id]);
    const [bare] = (await core().listConversations(me.id)).items;
    expect(bare!.recentMessages).toEqual([]);
    expect(bare!.lastMessage?.id).toBe(sent[2]!.id);
  });

  it('pages with a cursor through every conversation once', async () => {
    const { me, conversations } = await inboxOf(7);
    const seen: string[] = [];
    let page = await core().listConversations(me.id, { limit: 3 });
    seen.push(...page.items.map((s) => s.conversation.id));
    while (page.nextCursor !== null) {
      page = await core().listConversations(me.id, { limit: 3, cursor: page.nextCursor });
      seen.push(...page.items.map((s) => s.conversation.id));
    }
    expect(seen).toEqual(conversations.map((c) => c.id).reverse());
  });

  it('pages correctly when conversations share the same activity time', async () => {
    const [me, ...others] = (await makeUsers(core(), 6)) as [User, ...User[]];
    const at = new Date();
    for (const other of others)
      await new Conversations(core().database).openKeyed({ kind: 'direct', participantIds: [me.id, other.id], create: true }, at);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<ReturnType<typeof core>['listConversations']>> = await core().listConversations(me.id, {
        limit: 2,
        cursor,
      });
      seen.push(...page.items.map((s) => s.conversation.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
  });

  it('runs the same number of queries for 2 and for 20 conversations (no N+1)', async () => {
    const small = await inboxOf(2);
    const large = await inboxOf(20);
    for (const { others, conversations } of [small, large]) {
      for (const [i, c] of conversations.entries()) await core().storeMessage({ conversationId: c.id, senderId: others[i]!.id, text: 'x' });
    }
    const count = async (userId: string) => {
      queries = 0;
      await core().listConversations(userId, { limit: 50, recentMessages: 3 });
      return queries;
    };
    const forSmall = await count(small.me.id);
    expect(forSmall).toBeLessThanOrEqual(3);
    expect(await count(large.me.id)).toBe(forSmall);
  });

  it('accepts an oversized page size (clamped, not refused)', async () => {
    const { me } = await inboxOf(2);
    const page = await core().listConversations(me.id, { limit: 1_000_000 });
    expect(page.items).toHaveLength(2);
  });
});
