/**
 * Storing messages: idempotency on the client id, seq allocation under concurrency, history
 * pagination, and edit / delete / pin.
 */
import { describe, expect, it } from 'vitest';
import { ChatCore } from '../../src/core/chat-core.js';
import { isGeneratedId, newId } from '../../src/core/ids.js';
import { Messages } from '../../src/core/messages.js';
import { describeEachBackend, useCore } from '../storage/backends.js';
import { directPair, makeUsers, sendMany } from './fixtures.js';

describeEachBackend('messages', (backend) => {
  const core = useCore(backend);

  describe('storeMessage', () => {
    it('stores a message with a generated id, seq 1, and the participants as recipients', async () => {
      const { a, b, conversation } = await directPair(core());
      const { message, duplicate, recipients } = await core().storeMessage({
        conversationId: conversation.id,
        senderId: a.id,
        text: 'Hello',
      });
      expect(duplicate).toBe(false);
      expect(recipients).toEqual([b.id]);
      expect(isGeneratedId(message.id)).toBe(true);
      expect(message).toMatchObject({
        conversationId: conversation.id,
        seq: 1,
        senderId: a.id,
        kind: 'text',
        text: 'Hello',
        clientId: null,
        media: [],
        metadata: {},
      });
      expect(message.createdAt).toBeInstanceOf(Date);
      const stored = await core().getMessage(b.id, message.id);
      expect(stored).toEqual(message);
      expect((await core().getConversation(a.id, conversation.id)).conversation).toMatchObject({
        lastSeq: 1,
        lastMessageAt: message.createdAt,
      });
    });

    it('keeps media, metadata, reply and kind as given', async () => {
      const { a, conversation } = await directPair(core());
      const media = [{ url: 'https://example.com/a.png', mimeType: 'image/png', size: 10, name: 'a.png' }];
      const { message } = await core().storeMessage({
        conversationId: conversation.id,
        senderId: a.id,
        text: null,
        media,
        metadata: { isStoryReply: true, reply_message: { _id: 'x' } },
        replyTo: 'x',
      });
      expect(message).toMatchObject({
        kind: 'media',
        text: null,
        media,
        metadata: { isStoryReply: true, reply_message: { _id: 'x' } },
        replyTo: 'x',
      });
    });

    it('stores a retried client id once and returns the first message as a duplicate', async () => {
      const { a, conversation } = await directPair(core());
      const first = await core().storeMessage({ conversationId: conversation.id, senderId: a.id, text: 'Once', clientId: 'c-1' });
      const again = await core().storeMessage({ conversationId: conversation.id, senderId: a.id, text: 'Once', clientId: 'c-1' });
      expect(again.duplicate).toBe(true);
      expect(again.message).toEqual(first.message);
      const page = await core().history(a.id, conversation.id);
      expect(page.items).toHaveLength(1);
    });

    it('stores concurrent sends of one client id once (Promise.all)', async () => {
      const { a, conversation } = await directPair(core());
      const results = await Promise.all(
        Array.from({ length: 8 }, () =>
          core().storeMessage({ conversationId: conversation.id, senderId: a.id, text: 'Race', clientId: 'same' }),
        ),
      );
      expect(new Set(results.map((r) => r.message.id)).size).toBe(1);
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
      expect((await core().history(a.id, conversation.id)).items).toHaveLength(1);
      expect((await core().getConversation(a.id, conversation.id)).conversation.lastSeq).toBe(1);
    });

    it('treats the same client id from two senders as two messages', async () => {
      const { a, b, conversation } = await directPair(core());
      const fromA = await core().storeMessage({ conversationId: conversation.id, senderId: a.id, text: 'x', clientId: 'c-1' });
      const fromB = await core().storeMessage({ conversationId: conversation.id, senderId: b.id, text: 'y', clientId: 'c-1' });
      expect(fromB.duplicate).toBe(false);
      expect(fromB.message.id).not.toBe(fromA.message.id);
    });

    it('gives concurrent sends distinct, gapless, increasing seqs', async () => {
      const { a, b, conversation } = await directPair(core());
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          core().storeMessage({ conversationId: conversation.id, senderId: i % 2 ? a.id : b.id, text: `n${i}` }),
        ),
      );
      const seqs = results.map((r) => r.message.seq).sort((x, y) => x - y);
      expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      const history = await core().history(a.id, conversation.id, { limit: 200 });
      expect(history.items.map((m) => m.seq)).toEqual([...seqs].reverse());
    });

    // Two server nodes on one PostgreSQL database: seq allocation and idempotency hold across
    // processes, not only within one. (SQLite is one process per file: a second connection in
    // the same process would block the event loop waiting for the first one's lock.)
    it.runIf(backend.name === 'postgresql')('keeps seqs distinct and client ids unique across two nodes', async () => {
      const { a, b, conversation } = await directPair(core());
      const other = new ChatCore(await backend.reopen(core().database));
      try {
        const nodes = [core(), other];
        const sends = Array.from({ length: 20 }, (_, i) =>
          nodes[i % 2]!.storeMessage({ conversationId: conversation.id, senderId: i % 3 ? a.id : b.id, text: `n${i}` }),
        );
        const retries = Array.from({ length: 6 }, (_, i) =>
          nodes[i % 2]!.storeMessage({ conversationId: conversation.id, senderId: a.id, text: 'once', clientId: 'across-nodes' }),
        );
        const results = await Promise.all([...sends, ...retries]);
        expect(new Set(results.map((r) => r.message.seq)).size).toBe(21);
        expect(new Set(results.slice(20).map((r) => r.message.id)).size).toBe(1);
        expect((await other.history(a.id, conversation.id, { limit: 200 })).items).toHaveLength(21);
      } finally {
        await other.close();
      }
    });

    it.each([
      ['no text and no media', { text: null }, 'invalidPayload'],
      ['text over 5,000 characters', { text: 'x'.repeat(5001) }, 'invalidPayload'],
      ['a client id over 64 characters', { text: 'x', clientId: 'c'.repeat(65) }, 'invalidPayload'],
      ['more than 20 media items', { media: Array.from({ length: 21 }, () => ({ url: 'u' })) }, 'invalidPayload'],
      ['metadata that is not an object', { text: 'x', metadata: [] as unknown as Record<string, unknown> }, 'invalidPayload'],
      ['an unknown stored media id', { text: 'x', mediaIds: ['665f1c2e9b1e8a0000000000'] }, 'notFound'],
    ])('refuses %s', async (_name, input, kind) => {
      const { a, conversation } = await directPair(core());
      await expect(core().storeMessage({ conversationId: conversation.id, senderId: a.id, ...input })).rejects.toMatchObject({
        name: 'ChatError',
        kind,
      });
      expect((await core().history(a.id, conversation.id)).items).toHaveLength(0);
    });
  });

  it('stores an empty text as an empty text (teamchat sends `""`), not as no text', async () => {
    const { a, conversation } = await directPair(core());
    const { message } = await core().storeMessage({ conversationId: conversation.id, senderId: a.id, text: '' });
    expect(message).toMatchObject({ text: '', kind: 'text' });
  });

  describe('history', () => {
    it('pages newest first by seq until the first message', async () => {
      const { a, conversation } = await directPair(core());
      await sendMany(core(), conversation.id, a.id, 7);
      const seen: number[][] = [];
      let page = await core().history(a.id, conversation.id, { limit: 3 });
      seen.push(page.items.map((m) => m.seq));
      while (page.nextBeforeSeq !== null) {
        page = await core().history(a.id, conversation.id, { limit: 3, beforeSeq: page.nextBeforeSeq });
        seen.push(page.items.map((m) => m.seq));
      }
      expect(seen).toEqual([[7, 6, 5], [4, 3, 2], [1]]);
    });

    it('ends with a null cursor when the page is exactly full', async () => {
      const { a, conversation } = await directPair(core());
      await sendMany(core(), conversation.id, a.id, 3);
      expect((await core().history(a.id, conversation.id, { limit: 3 })).nextBeforeSeq).toBeNull();
    });

    it.each([
      ['no limit', undefined, 50],
      ['a limit over 200', 10_000, 200],
      ['a limit below 1', 0, 1],
    ])('with %s (limit %s) returns %i messages', async (_name, limit, want) => {
      const { a, conversation } = await directPair(core());
      // Bulk-insert through the normal path would be slow; 205 sends are enough to show the cap.
      await Promise.all(
        Array.from({ length: 205 }, (_, i) => core().storeMessage({ conversationId: conversation.id, senderId: a.id, text: `b${i}` })),
      );
      const page = await core().history(a.id, conversation.id, limit === undefined ? {} : { limit });
      expect(page.items).toHaveLength(want);
      expect(page.nextBeforeSeq).toBe(205 - want + 1);
    });

    it('refuses a limit that is not a whole number', async () => {
      const { a, conversation } = await directPair(core());
      await expect(core().history(a.id, conversation.id, { limit: 2.5 })).rejects.toMatchObject({ kind: 'invalidPayload', field: 'limit' });
    });

    it('leaves deleted messages out unless asked', async () => {
      const { a, conversation } = await directPair(core());
      const [m1, m2] = await sendMany(core(), conversation.id, a.id, 2);
      await core().deleteMessage({ userId: a.id, messageId: m1!.id });
      expect((await core().history(a.id, conversation.id)).items.map((m) => m.id)).toEqual([m2!.id]);
      const all = await core().history(a.id, conversation.id, { includeDeleted: true });
      expect(all.items.map((m) => [m.id, m.text])).toEqual([
        [m2!.id, 'm1'],
        [m1!.id, null],
      ]);
    });
  });

  describe('edit, delete, pin', () => {
    it('lets the sender edit, keeping the edit time', async () => {
      const { a, conversation } = await directPair(core());
      const { message } = await core().storeMessage({ conversationId: conversation.id, senderId: a.id, text: 'Helo' });
      const edited = await core().editMessage({ userId: a.id, messageId: message.id, text: 'Hello', conversationId: conversation.id });
      expect(edited).toMatchObject({ id: message.id, seq: message.seq, text: 'Hello' });
      expect(edited.editedAt).toBeInstanceOf(Date);
    });

    it('lets the sender delete: content cleared, row, id and seq kept, unpinned', async () => {
      const { a, b, conversation } = await directPair(core());
      const { message } = await core().storeMessage({
        conversationId: conversation.id,
        senderId: a.id,
        text: 'Secret',
        media: [{ url: 'u' }],
        metadata: { k: 1 },
        replyTo: 'r',
      });
      await core().pinMessage({ userId: b.id, messageId: message.id, pinned: true });
      const { message: deleted, changed } = await core().deleteMessage({ userId: a.id, messageId: message.id });
      expect(changed).toBe(true);
      expect(deleted).toMatchObject({
        id: message.id,
        seq: message.seq,
        text: null,
        media: [],
        metadata: {},
        replyTo: null,
        pinned: false,
      });
      expect(deleted.deletedAt).toBeInstanceOf(Date);
      expect(await core().pinnedMessages(a.id, conversation.id)).toEqual([]);
      const again = await core().deleteMessage({ userId: a.id, messageId: message.id });
      expect(again.changed).toBe(false);
    });

    it('refuses to edit a deleted message', async () => {
      const { a, conversation } = await directPair(core());
      const { message } = await core().storeMessage({ conversationId: conversation.id, senderId: a.id, text: 'x' });
      await core().deleteMessage({ userId: a.id, messageId: message.id });
      await expect(core().editMessage({ userId: a.id, messageId: message.id, text: 'y' })).rejects.toMatchObject({
        kind: 'invalidRequest',
      });
    });

    it('lets any participant pin and unpin; lists pins oldest first; a repeat changes nothing', async () => {
      const { a, b, conversation } = await directPair(core());
      const [m1, m2] = await sendMany(core(), conversation.id, a.id, 2);
      // Explicit times: two pins in the same millisecond would have no order to test.
      const first = await new Messages(core().database).pin({ userId: b.id, messageId: m2!.id, pinned: true }, new Date(Date.now() - 1000));
      expect(first).toMatchObject({ changed: true, message: { pinned: true, pinnedBy: b.id } });
      await new Messages(core().database).pin({ userId: a.id, messageId: m1!.id, pinned: true }, new Date());
      const repeat = await core().pinMessage({ userId: a.id, messageId: m2!.id, pinned: true });
      expect(repeat).toMatchObject({ changed: false, message: { pinnedBy: b.id } });
      expect((await core().pinnedMessages(a.id, conversation.id)).map((m) => m.id)).toEqual([m2!.id, m1!.id]);
      const unpinned = await core().pinMessage({ userId: a.id, messageId: m2!.id, pinned: false });
      expect(unpinned).toMatchObject({ changed: true, message: { pinned: false, pinnedAt: null, pinnedBy: null } });
      expect((await core().pinnedMessages(b.id, conversation.id)).map((m) => m.id)).toEqual([m1!.id]);
    });
  });

  describe('stored media', () => {
    it('attaches files stored through the core by id, with their type and size; only the owner may', async () => {
      const { a, b, conversation } = await directPair(core());
      // No media store in this suite: insert the record the way MediaFiles would.
      const id = await insertMediaRecord(core(), a.id);
      await expect(
        core().storeMessage({ conversationId: conversation.id, senderId: b.id, text: 'x', mediaIds: [id] }),
      ).rejects.toMatchObject({ kind: 'forbidden' });
      const { message } = await core().storeMessage({ conversationId: conversation.id, senderId: a.id, text: 'see', mediaIds: [id] });
      expect(message.media).toEqual([{ id, mimeType: 'image/png', size: 8, sha256: 'f'.repeat(64) }]);
    });

    it('refuses a file already sent in another conversation', async () => {
      const { a, conversation } = await directPair(core());
      const [c] = await makeUsers(core(), 1);
      const { conversation: other } = await core().openDirect(a.id, c!.id, { create: true });
      const id = await insertMediaRecord(core(), a.id);
      await core().storeMessage({ conversationId: conversation.id, senderId: a.id, mediaIds: [id] });
      await expect(core().storeMessage({ conversationId: other.id, senderId: a.id, mediaIds: [id] })).rejects.toMatchObject({
        kind: 'invalidRequest',
      });
    });
  });
});

async function insertMediaRecord(core: ChatCore, ownerId: string): Promise<string> {
  const id = newId();
  await core.database.read((db) =>
    db
      .insertInto('media')
      .values({
        id,
        owner_id: ownerId,
        conversation_id: null,
        mime_type: 'image/png',
        size: 8,
        sha256: 'f'.repeat(64),
        storage_key: 'f'.repeat(64),
        created_at: new Date().toISOString(),
      })
      .execute(),
  );
  return id;
}
