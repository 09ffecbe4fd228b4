/**
 * Read and delivery state: unread counts and totals, mark read (all or up to a message),
 * delivery on store for online recipients and on connect for the others, and the unread
 * messages across conversations.
 */
import { describe, expect, it } from 'vitest';
import { Messages } from '../../src/core/messages.js';
import type { User } from '../../src/core/types.js';
import { describeEachBackend, useCore } from '../storage/backends.js';
import { directPair, makeUsers, sendMany } from './fixtures.js';

describeEachBackend('receipts', (backend) => {
  const core = useCore(backend);

  describe('unread', () => {
    it("counts messages above the read mark, not the user's own, not deleted", async () => {
      const { a, b, conversation } = await directPair(core());
      const fromA = await sendMany(core(), conversation.id, a.id, 3, 'a');
      await sendMany(core(), conversation.id, b.id, 2, 'b');
      expect(await core().unreadCount(b.id, conversation.id)).toBe(3);
      expect(await core().unreadCount(a.id, conversation.id)).toBe(2);
      await core().deleteMessage({ userId: a.id, messageId: fromA[0]!.id });
      expect(await core().unreadCount(b.id, conversation.id)).toBe(2);
    });

    it('totals over all conversations, for one user or several in one call', async () => {
      const [me, x, y] = (await makeUsers(core(), 3)) as [User, User, User];
      const dx = (await core().openDirect(me.id, x.id, { create: true })).conversation;
      const group = (await core().createGroup({ creatorId: x.id, name: 'G', memberIds: [me.id, y.id] })).conversation;
      await sendMany(core(), dx.id, x.id, 2);
      await sendMany(core(), group.id, y.id, 3);
      expect(await core().unreadTotal(me.id)).toBe(5);
      expect(await core().unreadTotals([me.id, x.id, y.id])).toEqual(
        new Map([
          [me.id, 5],
          [x.id, 3],
          [y.id, 0],
        ]),
      );
      expect(await core().unreadCounts(me.id, [dx.id, group.id])).toEqual(
        new Map([
          [dx.id, 2],
          [group.id, 3],
        ]),
      );
    });
  });

  describe('markRead', () => {
    it('reads everything, reports whether the mark moved, and never moves it back', async () => {
      const { a, b, conversation } = await directPair(core());
      const sent = await sendMany(core(), conversation.id, a.id, 4);
      expect(await core().markRead(b.id, conversation.id)).toEqual({ readSeq: 4, advanced: true });
      expect(await core().unreadCount(b.id, conversation.id)).toBe(0);
      expect(await core().markRead(b.id, conversation.id)).toEqual({ readSeq: 4, advanced: false });
      expect(await core().markRead(b.id, conversation.id, { upTo: sent[1]!.id })).toEqual({ readSeq: 4, advanced: false });
    });

    it('reads up to and including one message; delivery follows', async () => {
      const { a, b, conversation } = await directPair(core());
      const sent = await sendMany(core(), conversation.id, a.id, 5);
      expect(await core().markRead(b.id, conversation.id, { upTo: sent[2]!.id })).toEqual({ readSeq: 3, advanced: true });
      expect(await core().unreadCount(b.id, conversation.id)).toBe(2);
      const me = (await core().getConversation(b.id, conversation.id)).participants.find((p) => p.userId === b.id);
      expect(me).toMatchObject({ readSeq: 3, deliveredSeq: 3 });
    });

    it('refuses a message of another conversation (notFound)', async () => {
      const first = await directPair(core());
      const second = await directPair(core());
      const [other] = await sendMany(core(), second.conversation.id, second.a.id, 1);
      await expect(core().markRead(first.b.id, first.conversation.id, { upTo: other!.id })).rejects.toMatchObject({ kind: 'notFound' });
    });

    it('survives in the read state stored (a reopened store agrees)', async () => {
      const { a, b, conversation } = await directPair(core());
      await sendMany(core(), conversation.id, a.id, 2);
      await core().markRead(b.id, conversation.id);
      const details = await core().getConversation(a.id, conversation.id);
      expect(details.participants.find((p) => p.userId === b.id)?.readSeq).toBe(2);
    });
  });

  describe('delivery', () => {
    it('delivers at once to a recipient online when the message is stored', async () => {
      const { a, b, conversation } = await directPair(core());
      await core().socketConnected(b.id, 'sock-b');
      try {
        const { deliveredTo } = await core().storeMessage({ conversationId: conversation.id, senderId: a.id, text: 'hi' });
        expect(deliveredTo).toEqual([b.id]);
        expect(await core().markDelivered(b.id)).toEqual({ senders: [], conversationIds: [] });
      } finally {
        await core().socketDisconnected(b.id, 'sock-b');
      }
    });

    it('marks pending messages delivered on connect and returns their senders, once', async () => {
      const [me, x, y, z] = (await makeUsers(core(), 4)) as [User, User, User, User];
      const dx = (await core().openDirect(me.id, x.id, { create: true })).conversation;
      const dy = (await core().openDirect(me.id, y.id, { create: true })).conversation;
      const dz = (await core().openDirect(me.id, z.id, { create: true })).conversation;
      const { deliveredTo } = await core().storeMessage({ conversationId: dx.id, senderId: x.id, text: '1' });
      expect(deliveredTo).toEqual([]);
      await sendMany(core(), dx.id, x.id, 2);
      await sendMany(core(), dy.id, y.id, 1);
      await sendMany(core(), dz.id, me.id, 1); // my own message: z is no sender of mine

      const delivered = await core().markDelivered(me.id);
      expect(delivered.senders.sort()).toEqual([x.id, y.id].sort());
      expect(delivered.conversationIds.sort()).toEqual([dx.id, dy.id].sort());
      expect(await core().markDelivered(me.id)).toEqual({ senders: [], conversationIds: [] });
      // Delivery is not reading.
      expect(await core().unreadTotal(me.id)).toBe(4);
    });

    it("reports a duplicate's delivery as it stands", async () => {
      const { a, b, conversation } = await directPair(core());
      await core().storeMessage({ conversationId: conversation.id, senderId: a.id, text: 'x', clientId: 'k' });
      await core().markDelivered(b.id);
      const again = await core().storeMessage({ conversationId: conversation.id, senderId: a.id, text: 'x', clientId: 'k' });
      expect(again).toMatchObject({ duplicate: true, deliveredTo: [b.id], recipients: [b.id] });
    });
  });

  describe('unread messages across conversations', () => {
    it('lists them newest first, bounded, leaving out read, own and deleted ones', async () => {
      const [me, x, y] = (await makeUsers(core(), 3)) as [User, User, User];
      const dx = (await core().openDirect(me.id, x.id, { create: true })).conversation;
      const dy = (await core().openDirect(me.id, y.id, { create: true })).conversation;
      const base = Date.now();
      const at = (i: number) => new Date(base + i * 1000);
      // The store itself, to give each message its own time.
      const messages = new Messages(core().database);
      const m1 = (await messages.store({ conversationId: dx.id, senderId: x.id, text: 'x1' }, at(1))).message;
      await core().markRead(me.id, dx.id);
      const m2 = (await messages.store({ conversationId: dx.id, senderId: x.id, text: 'x2' }, at(2))).message;
      const m3 = (await messages.store({ conversationId: dy.id, senderId: y.id, text: 'y1' }, at(3))).message;
      const m4 = (await messages.store({ conversationId: dy.id, senderId: y.id, text: 'y2' }, at(4))).message;
      await messages.store({ conversationId: dy.id, senderId: me.id, text: 'mine' }, at(5));
      await core().deleteMessage({ userId: y.id, messageId: m3.id });

      expect((await core().unreadMessages(me.id)).map((m) => m.id)).toEqual([m4.id, m2.id]);
      expect((await core().unreadMessages(me.id, { limit: 1 })).map((m) => m.id)).toEqual([m4.id]);
      expect(m1.seq).toBe(1);
    });

    it('returns at most 200', async () => {
      const { a, b, conversation } = await directPair(core());
      await Promise.all(
        Array.from({ length: 210 }, (_, i) => core().storeMessage({ conversationId: conversation.id, senderId: a.id, text: `${i}` })),
      );
      expect(await core().unreadMessages(b.id, { limit: 1000 })).toHaveLength(200);
    });
  });
});
