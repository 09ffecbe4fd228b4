/**
 * Conversations: direct and product chats found by key and created once even under concurrent
 * creation, groups, and the lookups behind lifecycle emits.
 */
import { describe, expect, it } from 'vitest';
import { Conversations, conversationKey } from '../../src/core/conversations.js';
import type { User } from '../../src/core/types.js';
import { describeEachBackend, useCore } from '../storage/backends.js';
import { makeUsers } from './fixtures.js';

describe('conversationKey', () => {
  it.each([
    ['direct, either order', conversationKey('direct', ['b', 'a']), 'direct:a:b'],
    ['product with scope', conversationKey('product', ['v', 'c'], ['12345']), 'product:c:v:12345'],
    ['scope is percent-encoded', conversationKey('product', ['v', 'c'], ['a:b']), 'product:c:v:a%3Ab'],
  ])('%s', (_name, got, want) => {
    expect(got).toBe(want);
  });
});

describeEachBackend('conversations', (backend) => {
  const core = useCore(backend);

  describe('direct', () => {
    it('creates the pair conversation once, then finds it from either side', async () => {
      const [a, b] = (await makeUsers(core(), 2)) as [User, User];
      const first = await core().openDirect(a.id, b.id, { create: true });
      expect(first.created).toBe(true);
      expect(first.conversation).toMatchObject({
        kind: 'direct',
        key: conversationKey('direct', [a.id, b.id]),
        createdBy: a.id,
        lastSeq: 0,
        lastMessageAt: null,
      });
      const second = await core().openDirect(b.id, a.id, { create: true });
      expect(second).toEqual({ conversation: first.conversation, created: false });
      const details = await core().getConversation(b.id, first.conversation.id);
      expect(details.participants.map((p) => p.user.externalId).sort()).toEqual([a.externalId, b.externalId].sort());
    });

    it('is created once under concurrent first messages from both sides', async () => {
      const [a, b] = (await makeUsers(core(), 2)) as [User, User];
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => core().openDirect(i % 2 ? a.id : b.id, i % 2 ? b.id : a.id, { create: true })),
      );
      expect(new Set(results.map((r) => r.conversation.id)).size).toBe(1);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const details = await core().getConversation(a.id, results[0]!.conversation.id);
      expect(details.participants).toHaveLength(2);
    });

    it('is notFound without create', async () => {
      const [a, b] = (await makeUsers(core(), 2)) as [User, User];
      await expect(core().openDirect(a.id, b.id)).rejects.toMatchObject({ name: 'ChatError', kind: 'notFound', status: 404 });
    });

    it('refuses messaging oneself (invalidRequest)', async () => {
      const [a] = (await makeUsers(core(), 1)) as [User];
      await expect(core().openDirect(a.id, a.id, { create: true })).rejects.toMatchObject({ kind: 'invalidRequest', status: 400 });
    });

    it('refuses an unknown user (notFound)', async () => {
      const [a] = (await makeUsers(core(), 1)) as [User];
      await expect(core().openDirect(a.id, '665f1c2e9b1e8a0000000000', { create: true })).rejects.toMatchObject({ kind: 'notFound' });
    });
  });

  describe('product', () => {
    it('is one chat per (customer, vendor, product), created once under concurrency, with its metadata', async () => {
      const [customer] = await makeUsers(core(), 1, 'marketplace:customer');
      const [vendor] = await makeUsers(core(), 1, 'marketplace:vendor');
      const metadata = { productId: '12345', productName: 'Wireless Headphones', productPrice: '299', storeName: 'Tech Haven' };
      const open = (productId: string) =>
        core().openProductChat({
          customerId: customer!.id,
          vendorId: vendor!.id,
          productId,
          create: true,
          createdBy: customer!.id,
          metadata: { ...metadata, productId },
        });
      const results = await Promise.all([open('12345'), open('12345'), open('12345'), open('999')]);
      const chats = new Set(results.map((r) => r.conversation.id));
      expect(chats.size).toBe(2);
      expect(results.filter((r) => r.created)).toHaveLength(2);
      expect(results[0]!.conversation).toMatchObject({ kind: 'product', metadata });
      const found = await core().openProductChat({ customerId: customer!.id, vendorId: vendor!.id, productId: '12345' });
      expect(found.conversation.id).toBe(results[0]!.conversation.id);
    });

    it('keeps customer 2 and vendor 2 apart: same external id, two users', async () => {
      const customer = await core().upsertUser({ realm: 'marketplace:customer', externalId: `2-${Math.random()}` });
      const vendor = await core().upsertUser({ realm: 'marketplace:vendor', externalId: customer.externalId });
      expect(customer.id).not.toBe(vendor.id);
      const { created } = await core().openProductChat({ customerId: customer.id, vendorId: vendor.id, productId: 'p', create: true });
      expect(created).toBe(true);
    });

    it('needs a product', async () => {
      const [c, v] = (await makeUsers(core(), 2)) as [User, User];
      await expect(core().openProductChat({ customerId: c.id, vendorId: v.id, productId: '', create: true })).rejects.toMatchObject({
        kind: 'invalidPayload',
      });
    });
  });

  describe('groups', () => {
    it('creates a group of the creator (owner) and the members, each once', async () => {
      const [owner, m1, m2] = (await makeUsers(core(), 3)) as [User, User, User];
      const group = await core().createGroup({
        creatorId: owner.id,
        name: 'Design',
        memberIds: [m1.id, m2.id, m1.id, owner.id],
        image: 'https://example.com/g.png',
      });
      expect(group.conversation).toMatchObject({
        kind: 'group',
        key: null,
        name: 'Design',
        image: 'https://example.com/g.png',
        createdBy: owner.id,
      });
      expect(group.participants.map((p) => [p.userId, p.role]).sort()).toEqual(
        [
          [owner.id, 'owner'],
          [m1.id, 'member'],
          [m2.id, 'member'],
        ].sort(),
      );
    });

    it('takes a client-chosen id, and refuses it once taken (also under concurrency)', async () => {
      const [owner, m] = (await makeUsers(core(), 2)) as [User, User];
      const id = `g_${Math.random().toString(36).slice(2)}`;
      const results = await Promise.allSettled(
        [1, 2, 3].map(() => core().createGroup({ id, creatorId: owner.id, name: 'G', memberIds: [m.id] })),
      );
      const fulfilled = results.filter((r) => r.status === 'fulfilled');
      expect(fulfilled).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ kind: 'invalidRequest', field: 'id' });
      await expect(core().createGroup({ id, creatorId: owner.id, name: 'G', memberIds: [m.id] })).rejects.toMatchObject({
        kind: 'invalidRequest',
      });
    });

    it.each([
      ['an empty name', { name: '' }],
      ['a name over 200 characters', { name: 'x'.repeat(201) }],
      ['a chosen id with a slash', { id: 'a/b' }],
    ])('refuses %s', async (_name, input) => {
      const [owner, m] = (await makeUsers(core(), 2)) as [User, User];
      await expect(core().createGroup({ creatorId: owner.id, name: 'G', memberIds: [m.id], ...input })).rejects.toMatchObject({
        kind: 'invalidPayload',
      });
    });
  });

  describe('lookups', () => {
    it('lists counterparts per conversation, co-participants once, and conversation ids by activity', async () => {
      const [me, x, y] = (await makeUsers(core(), 3)) as [User, User, User];
      const dx = (await core().openDirect(me.id, x.id, { create: true })).conversation;
      const group = (await core().createGroup({ creatorId: me.id, name: 'G', memberIds: [x.id, y.id] })).conversation;
      await core().storeMessage({ conversationId: dx.id, senderId: x.id, text: 'latest' });

      expect(await core().conversationIdsOf(me.id)).toEqual([dx.id, group.id]);
      const pairs = await core().counterparts(me.id);
      expect(pairs).toHaveLength(3);
      expect(pairs).toEqual(
        expect.arrayContaining([
          { conversationId: dx.id, userId: x.id },
          { conversationId: group.id, userId: x.id },
          { conversationId: group.id, userId: y.id },
        ]),
      );
      expect(await new Conversations(core().database).coParticipants(me.id)).toEqual([x.id, y.id].sort());
    });

    it('reports online co-participants from presence', async () => {
      const [me, x, y] = (await makeUsers(core(), 3)) as [User, User, User];
      await core().createGroup({ creatorId: me.id, name: 'G', memberIds: [x.id, y.id] });
      await core().socketConnected(y.id, 'socket-1');
      await core().socketConnected(me.id, 'socket-2');
      expect(await core().onlineCoParticipants(me.id)).toEqual([y.id]);
    });
  });
});
