/**
 * `deleteMessage` (the sender only; the message leaves every listing) and the typing
 * indicators (to the other side only, never stored).
 */
import { expect, it } from 'vitest';
import type * as T from '../../generated/marketplace/types.js';
import { describeEachBackend } from '../storage/backends.js';
import { named, newProduct, received, useMarketplace } from './harness.js';

describeEachBackend('marketplace deleteMessage and typing', (backend) => {
  const m = useMarketplace(backend);

  async function chatOfTwo() {
    const customer = await m.online(await m.user('customer'));
    const vendor = await m.online(await m.user('vendor'));
    const product = newProduct();
    const first = await m.send(customer, vendor.user, product, 'first');
    return { customer, vendor, product, chatId: first.chatId, first };
  }

  it('deletes the sender’s message: messageDeleted to every socket of both users; gone from the listings', async () => {
    const { customer, vendor, product, chatId, first } = await chatOfTwo();
    const keep = await m.send(customer, vendor.user, product, 'keep me');
    const customerTab = await m.openChat(customer.user);
    customer.chat.client.deleteMessage({ productId: product, recipientId: vendor.user.id, messageId: first.id });
    const want = { statusCode: 200, error: false, data: { chatId, messageId: first.id } };
    for (const log of [customer.chat.log, customerTab.chat.log, vendor.chat.log]) {
      expect(await received<T.MessageDeletedPayload>(log, 'messageDeleted')).toMatchObject(want);
    }
    const { userChats, offlineMessages } = await m.openChat(vendor.user);
    expect(userChats.data[0]!.messages.map((x) => x.id)).toEqual([keep.id]);
    expect(offlineMessages.data).toEqual([]);
    vendor.chat.client.joinChat({ chatId });
    const loaded = await received<T.LoadMessagesPayload>(vendor.chat.log, 'loadMessages');
    expect(loaded.data.messages.map((x) => x.id)).toEqual([keep.id]);
  });

  it('refuses to delete the counterpart’s message (403), an unknown message (404), one of another chat (404)', async () => {
    const { customer, vendor, product, first } = await chatOfTwo();
    const elsewhere = await m.send(customer, vendor.user, newProduct(), 'in another chat');
    const cases: [T.DeleteMessagePayload, number][] = [
      [{ productId: product, recipientId: customer.user.id, messageId: first.id }, 403],
      [{ productId: product, recipientId: customer.user.id, messageId: 'no-such-message' }, 404],
      [{ productId: product, recipientId: customer.user.id, messageId: elsewhere.id }, 404],
      [{ productId: newProduct(), recipientId: customer.user.id, messageId: first.id }, 404],
    ];
    for (const [payload, status] of cases) {
      const before = vendor.chat.log.length;
      vendor.chat.client.deleteMessage(payload);
      expect(await m.appError(vendor.chat, before), JSON.stringify(payload)).toMatchObject({ statusCode: status, data: { event: 'deleteMessage' } });
    }
    await m.settle(customer.chat);
    expect(named(customer.chat.log, 'messageDeleted')).toEqual([]);
    const { userChats } = await m.openChat(customer.user);
    expect(userChats.data.flatMap((c) => c.messages.map((x) => x.id))).toContain(first.id);
  });

  it('a stranger cannot delete in a chat that is not theirs', async () => {
    const { customer, product, first } = await chatOfTwo();
    const stranger = await m.online(await m.user('vendor'));
    stranger.chat.client.deleteMessage({ productId: product, recipientId: customer.user.id, messageId: first.id });
    expect(await m.appError(stranger.chat)).toMatchObject({ statusCode: 404 });
  });

  it.each([
    ['typing', 'userTyping'],
    ['stoppedTyping', 'stoppedTyping'],
  ] as const)('%s reaches every socket of the other side only, as %s', async (event, answer) => {
    const { customer, vendor, product, chatId } = await chatOfTwo();
    const vendorTab = await m.openChat(vendor.user);
    const customerTab = await m.openChat(customer.user);
    customer.chat.client[event]({ productId: product, recipientId: vendor.user.id });
    const want = { statusCode: 200, error: false, data: { chatId, userId: customer.user.id, productId: product } };
    for (const log of [vendor.chat.log, vendorTab.chat.log]) expect(await received<T.TypingResponse>(log, answer)).toMatchObject(want);
    await m.settle(customerTab.chat);
    await m.settle(customer.chat);
    const typingEvents = (log: { event: string }[]) => log.filter((r) => r.event === 'userTyping' || r.event === 'stoppedTyping');
    expect(typingEvents(customer.chat.log)).toEqual([]);
    expect(typingEvents(customerTab.chat.log)).toEqual([]);
  });

  it('typing in a chat that does not exist is 404', async () => {
    const ada = await m.online(await m.user('customer'));
    const vendor = await m.user('vendor');
    ada.chat.client.typing({ productId: newProduct(), recipientId: vendor.id });
    expect(await m.appError(ada.chat)).toMatchObject({ statusCode: 404, data: { event: 'typing' } });
  });
});
