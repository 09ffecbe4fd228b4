/**
 * `sendMessage`: the first message creates the product chat (customer and vendor from the
 * tokens' roles); `newChat` / `receiveMessage` under the spec's conditions; offline recipients
 * find the message on their next connection; nothing is stored from a refused request.
 */
import { expect, it } from 'vitest';
import type * as T from '../../generated/marketplace/types.js';
import { describeEachBackend } from '../storage/backends.js';
import { named, newProduct, received, useMarketplace } from './harness.js';

const PRODUCT_FIELDS = {
  storeName: 'Tech Haven',
  customerName: 'John Doe',
  storeLogoUrl: 'https://example.com/store-logo.png',
  customerProfilePic: 'https://example.com/buyer-profile.jpg',
  productPrice: '299.99',
  productName: 'Wireless Headphones',
  productImageUrl: 'https://example.com/product-image.jpg',
};

describeEachBackend('marketplace sendMessage', (backend) => {
  const m = useMarketplace(backend);

  it('first message, recipient online: newChat to the recipient, receiveMessage to the sender only', async () => {
    const customer = await m.online(await m.user('customer'));
    const customerTab = await m.openChat(customer.user);
    const vendor = await m.online(await m.user('vendor'));
    const product = newProduct();

    const sent = await m.send(customer, vendor.user, product, 'Are you crazy?', { ...PRODUCT_FIELDS, chatId: 'ignored-by-the-server' });
    expect(sent).toMatchObject({ senderId: customer.user.id, senderType: 'CUSTOMER', text: 'Are you crazy?', read: false, recipientOnline: true, messageMedias: [] });

    const newChat = await received<T.NewChatPayload>(vendor.chat.log, 'newChat');
    expect(newChat).toMatchObject({
      statusCode: 200,
      error: false,
      data: {},
      message: { id: sent.chatId, productId: product, customerId: customer.user.id, vendorId: vendor.user.id, ...PRODUCT_FIELDS },
    });
    expect(newChat.message.messages).toEqual([sent]);
    // The other tab of the sender has it too; the recipient has it in newChat only.
    await received(customerTab.chat.log, 'receiveMessage', (p: T.ReceiveMessagePayload) => p.data[0]!.id === sent.id);
    await m.settle(vendor.chat);
    expect(named(vendor.chat.log, 'receiveMessage')).toEqual([]);
  });

  it('later messages: receiveMessage to every socket of both users, no newChat', async () => {
    const customer = await m.online(await m.user('customer'));
    const vendor = await m.online(await m.user('vendor'));
    const vendorTab = await m.openChat(vendor.user);
    const product = newProduct();
    const first = await m.send(customer, vendor.user, product, 'first');
    const second = await m.send(vendor, customer.user, product, 'second, from the vendor', { storeName: 'ignored for an existing chat' });
    expect(second).toMatchObject({ chatId: first.chatId, senderId: vendor.user.id, senderType: 'VENDOR', read: false, recipientOnline: true });
    for (const log of [customer.chat.log, vendorTab.chat.log]) {
      await received(log, 'receiveMessage', (p: T.ReceiveMessagePayload) => p.data[0]!.id === second.id);
    }
    await m.settle(vendor.chat);
    expect(named(vendor.chat.log, 'newChat')).toHaveLength(1);
    const { userChats } = await m.openChat(customer.user);
    expect(userChats.data[0]!.storeName).toBe('');
  });

  it('a vendor may write first; the chat still has the customer as customerId', async () => {
    const vendor = await m.online(await m.user('vendor'));
    const customer = await m.online(await m.user('customer'));
    const product = newProduct();
    const sent = await m.send(vendor, customer.user, product, 'We have it in stock');
    const newChat = await received<T.NewChatPayload>(customer.chat.log, 'newChat');
    expect(newChat.message).toMatchObject({ id: sent.chatId, customerId: customer.user.id, vendorId: vendor.user.id, storeLogoUrl: null, customerProfilePic: null, productName: '' });
  });

  it('recipient offline: no newChat, the message is unread in their userChats and offlineMessages on connecting', async () => {
    const customer = await m.online(await m.user('customer'));
    const vendor = await m.user('vendor');
    const product = newProduct();
    const sent = await m.send(customer, vendor, product, 'Is it still available?', PRODUCT_FIELDS);
    expect(sent.recipientOnline).toBe(false);

    const session = await m.online(vendor);
    expect(session.offlineMessages.data).toEqual([sent]);
    expect(session.userChats.data).toHaveLength(1);
    expect(session.userChats.data[0]).toMatchObject({ id: sent.chatId, productId: product, ...PRODUCT_FIELDS });
    expect(session.userChats.data[0]!.messages).toEqual([sent]);
    // Still unread: listed again on the next connection.
    const again = await m.openChat(vendor);
    expect(again.offlineMessages.data.map((x) => x.id)).toEqual([sent.id]);
  });

  it('a customer and a vendor with the same numeric id are two users', async () => {
    const id = 424242;
    const customer = await m.online(await m.user('customer', id));
    const vendor = await m.online(await m.user('vendor', id));
    const product = newProduct();
    const sent = await m.send(customer, vendor.user, product, 'hello, namesake');
    const newChat = await received<T.NewChatPayload>(vendor.chat.log, 'newChat');
    expect(newChat.message).toMatchObject({ customerId: id, vendorId: id });
    expect(sent.senderType).toBe('CUSTOMER');
    // The customer's recipientId names a vendor, the vendor's a customer: one chat, both ways.
    const reply = await m.send(vendor, customer.user, product, 'hello back');
    expect(reply.chatId).toBe(sent.chatId);
    expect(reply.senderType).toBe('VENDOR');
  });

  it.each([
    ['a missing recipientId', { productId: 'p', text: 'hi' }, 'recipientId'],
    ['a missing text', { productId: 'p', recipientId: 2 }, 'text'],
    ['an empty text', { productId: 'p', recipientId: 2, text: '' }, 'text'],
    ['a string recipientId', { productId: 'p', recipientId: '2', text: 'hi' }, 'recipientId'],
    ['an unknown field', { productId: 'p', recipientId: 2, text: 'hi', price: 3 }, 'price'],
    ['an over-long text', { productId: 'p', recipientId: 2, text: 'x'.repeat(5001) }, 'text'],
    ['a bad price', { productId: 'p', recipientId: 2, text: 'hi', productPrice: 'free' }, 'productPrice'],
  ])('refuses %s with appError 400 naming the field, storing nothing', async (_name, payload, field) => {
    const ada = await m.online(await m.user('customer'));
    (ada.chat.client.socket.emit as (e: string, p: unknown) => void)('sendMessage', payload);
    expect(await m.appError(ada.chat)).toMatchObject({ error: true, statusCode: 400, data: { event: 'sendMessage', field } });
    expect(ada.chat.client.socket.connected).toBe(true);
    const { userChats } = await m.openChat(ada.user);
    expect(userChats.data).toEqual([]);
  });

  it('keeps the order of one socket’s messages', async () => {
    const customer = await m.online(await m.user('customer'));
    const vendor = await m.online(await m.user('vendor'));
    const product = newProduct();
    const texts = Array.from({ length: 10 }, (_, i) => `burst ${i}`);
    for (const text of texts) customer.chat.client.sendMessage({ productId: product, recipientId: vendor.user.id, text });
    await received(customer.chat.log, 'receiveMessage', (p: T.ReceiveMessagePayload) => p.data[0]!.text === 'burst 9');
    const got = named<T.ReceiveMessagePayload>(customer.chat.log, 'receiveMessage').map((p) => p.data[0]!.text);
    expect(got).toEqual(texts);
    const chats = named<T.NewChatPayload>(vendor.chat.log, 'newChat');
    expect(chats).toHaveLength(1);
  });
});
