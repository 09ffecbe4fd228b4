/**
 * Group commit: concurrent stores share SQLite transactions (one commit for many messages),
 * yet each keeps its own outcome, its call order and its idempotency, and nothing is
 * acknowledged before it is committed.
 */
import { afterAll, expect, it } from 'vitest';
import { ChatCore } from '../../src/core/chat-core.js';
import { Messages, type StoreMessageInput } from '../../src/core/messages.js';
import type { User } from '../../src/core/types.js';
import { MAX_GROUP } from '../../src/storage/database.js';
import { describeEachBackend } from '../storage/backends.js';
import { directPair, makeUsers } from './fixtures.js';

describeEachBackend('group commit', (backend) => {
  // A store of its own, counting the commits it runs (SQLite logs them as queries).
  let commits = 0;
  let opened: ChatCore | undefined;
  const core = async () =>
    (opened ??= new ChatCore(await backend.openDatabase({ onQuery: ({ sql }) => void (/^\s*commit\b/i.test(sql) && commits++) })));
  // The message store itself: the core's `storeMessage` reads presence first, which would put
  // a query between each call and its store, and this is about the store's own grouping.
  const store = (c: ChatCore, input: StoreMessageInput) => new Messages(c.database).store(input);
  afterAll(() => opened?.close());

  it('stores 60 concurrent sends from many senders, each conversation in call order, all resolved', async () => {
    const c = await core();
    const pairs = await Promise.all(Array.from({ length: 6 }, () => directPair(c)));
    const calls = Array.from({ length: 60 }, (_, i) => {
      const { a, b, conversation } = pairs[i % pairs.length]!;
      return { conversationId: conversation.id, senderId: i % 4 < 2 ? a.id : b.id, text: `n${i}` };
    });
    const results = await Promise.all(calls.map((input) => store(c, input)));
    for (const { conversation } of pairs) {
      const mine = results.filter((r) => r.message.conversationId === conversation.id);
      const seqs = mine.map((r) => r.message.seq);
      // SQLite: call order is seq order (a group runs its calls in order). PostgreSQL's
      // parallel transactions promise distinct, gapless seqs, not their order.
      if (backend.name === 'postgresql') seqs.sort((x, y) => x - y);
      expect(seqs).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    }
    expect(results.every((r) => !r.duplicate)).toBe(true);
  });

  it.runIf(backend.name === 'sqlite')('commits fewer times than it stores messages under concurrency', async () => {
    const c = await core();
    const { a, b, conversation } = await directPair(c);
    const before = commits;
    await Promise.all(
      Array.from({ length: 100 }, (_, i) => store(c, { conversationId: conversation.id, senderId: i % 2 ? a.id : b.id, text: `${i}` })),
    );
    const used = commits - before;
    // At least two groups (the cap), far fewer than one commit per message.
    expect(used).toBeGreaterThanOrEqual(Math.ceil(100 / MAX_GROUP));
    expect(used).toBeLessThanOrEqual(10);
  });

  it('rejects a forbidden store alone; the others of its group are stored', async () => {
    const c = await core();
    const { a, b, conversation } = await directPair(c);
    const [outsider] = (await makeUsers(c, 1)) as [User];
    const senders = [a.id, b.id, outsider.id, a.id, b.id];
    const before = commits;
    const settled = await Promise.allSettled(
      senders.map((senderId, i) => store(c, { conversationId: conversation.id, senderId, text: `s${i}` })),
    );
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(settled[2]).toMatchObject({ reason: { name: 'ChatError', kind: 'forbidden' } });
    if (backend.name === 'sqlite') expect(commits - before).toBe(1); // one group, one commit
    const history = await c.history(a.id, conversation.id);
    expect(history.items.map((m) => m.text).sort()).toEqual(['s0', 's1', 's3', 's4']);
    if (backend.name === 'sqlite') expect(history.items.map((m) => m.text)).toEqual(['s4', 's3', 's1', 's0']);
  });

  it('stores one client id sent twice in one group once; the second is the duplicate', async () => {
    const c = await core();
    const { a, b, conversation } = await directPair(c);
    const [first, other, second] = await Promise.all([
      store(c, { conversationId: conversation.id, senderId: a.id, text: 'once', clientId: 'twice' }),
      store(c, { conversationId: conversation.id, senderId: b.id, text: 'other' }),
      store(c, { conversationId: conversation.id, senderId: a.id, text: 'once', clientId: 'twice' }),
    ]);
    // On SQLite the group runs in call order; PostgreSQL runs them in parallel, so either of the
    // two may be the one stored: exactly one is, and the other returns it.
    expect([first.duplicate, second.duplicate].sort()).toEqual([false, true]);
    expect(second.message).toEqual(first.message);
    expect(other.duplicate).toBe(false);
    if (backend.name === 'sqlite') {
      expect(first).toMatchObject({ duplicate: false, message: { seq: 1 } });
      expect(other.message.seq).toBe(2);
    }
    expect((await c.history(a.id, conversation.id)).items).toHaveLength(2);
  });

  it('keeps every acknowledged message after a restart', async () => {
    const database = await backend.openDatabase();
    const first = new ChatCore(database);
    const { a, b, conversation } = await directPair(first);
    const results = await Promise.all(
      Array.from({ length: 70 }, (_, i) => first.storeMessage({ conversationId: conversation.id, senderId: i % 2 ? a.id : b.id, text: `d${i}` })),
    );
    await first.close();
    const again = new ChatCore(await backend.reopen(database));
    try {
      const history = await again.history(a.id, conversation.id, { limit: 200 });
      expect(history.items.map((m) => m.id).sort()).toEqual(results.map((r) => r.message.id).sort());
      expect((await again.getConversation(a.id, conversation.id)).conversation.lastSeq).toBe(70);
    } finally {
      await again.close();
    }
  });
});
