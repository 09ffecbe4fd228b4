/**
 * Opening a chat (`joinChat`, by `chatId` or by product and counterpart) and `markAsRead`: the
 * counterpart's messages become read, the counterpart hears `updateReadReceipts`, and the
 * messages leave the reader's `offlineMessages`. Somebody else's chat is 403, an unknown one 404.
 */
import { expect, it } from 'vitest';
import type * as T from '../../generated/marketplace/types.js';
import { describeEachBackend } from '../storage/backends.js';
import { named, newProduct, received, useMarketplace, type Session } from './harness.js';

describeEachBackend('marketplace joinChat and markAsRead', (backend) => {
  const m = useMarketplace(backend);

  /** A customer who wrote twice to a vendor who was offline, then came online. */
  async function unreadChat() {
    const customer = await m.online(await m.user('customer'));
    const vendorUser = await m.user('vendor');
    const product = newProduct();
    const first = await m.send(customer, vendorUser, product, 'one');
    const second = await m.send(customer, vendorUser, product, 'two');
    const vendor = await m.online(vendorUser);
    expect(vendor.offlineMessages.data.map((x) => x.id)).toEqual([second.id, first.id]);
    return { customer, vendor, product, chatId: first.chatId, first, second };
  }

  const openers: [string, (s: { vendor: Session; customer: Session; product: string; chatId: string }) => T.JoinChatPayload][] = [
    ['by chatId', ({ chatId }) => ({ chatId })],
    ['by productId and recipientId', ({ product, customer }) => ({ productId: product, recipientId: customer.user.id })],
    ['by both (chatId wins)', ({ chatId, customer }) => ({ chatId, productId: 'another-product', recipientId: customer.user.id })],
  ];

  it.each(openers)('joinChat %s: loadMessages with the chat, read; updateReadReceipts to the counterpart', async (_name, payload) => {
    const chat = await unreadChat();
    const { vendor, customer, chatId, first, second } = chat;
    vendor.chat.client.joinChat(payload(chat));
    const loaded = await received<T.LoadMessagesPayload>(vendor.chat.log, 'loadMessages');
    expect(loaded).toMatchObject({ statusCode: 200, error: false, data: { id: chatId, customerId: customer.user.id, vendorId: vendor.user.id } });
    expect(loaded.data.messages.map((x) => [x.id, x.read])).toEqual([
      [second.id, true],
      [first.id, true],
    ]);
    const receipt = await received<T.UpdateReadReceiptsPayload>(customer.chat.log, 'updateReadReceipts');
    expect(receipt).toMatchObject({ statusCode: 200, error: false, data: { chatId, readerId: vendor.user.id } });
    // Nothing goes to the reader's own sockets but the answer.
    await m.settle(vendor.chat);
    expect(named(vendor.chat.log, 'updateReadReceipts')).toEqual([]);
    // Read: no longer offline messages; the sender sees them read.
    expect((await m.openChat(vendor.user)).offlineMessages.data).toEqual([]);
    const { userChats } = await m.openChat(customer.user);
    expect(userChats.data[0]!.messages.every((x) => x.read)).toBe(true);
  });

  it('markAsRead: marks the counterpart’s messages read and tells the counterpart', async () => {
    const { vendor, customer, product, chatId } = await unreadChat();
    vendor.chat.client.markAsRead({ productId: product, recipientId: customer.user.id });
    const receipt = await received<T.UpdateReadReceiptsPayload>(customer.chat.log, 'updateReadReceipts');
    expect(receipt.data).toEqual({ chatId, readerId: vendor.user.id });
    expect((await m.openChat(vendor.user)).offlineMessages.data).toEqual([]);
    // The reader's own messages are not affected by their own reading.
    const reply = await m.send(vendor, customer.user, product, 'reply');
    expect(reply.read).toBe(false);
  });

  it('refuses a chat of other users (403), an unknown chat (404), keeping the socket', async () => {
    const { chatId, product, customer } = await unreadChat();
    const stranger = await m.online(await m.user('vendor'));
    const cases: [T.JoinChatPayload | T.MarkAsReadPayload, 'joinChat' | 'markAsRead', number][] = [
      [{ chatId }, 'joinChat', 403],
      [{ chatId: 'no-such-chat' }, 'joinChat', 404],
      [{ chatId: '0123456789abcdef01234567' }, 'joinChat', 404],
      [{ productId: product, recipientId: customer.user.id }, 'joinChat', 404],
      [{ productId: product, recipientId: customer.user.id }, 'markAsRead', 404],
      [{ productId: product, recipientId: 987654321 }, 'markAsRead', 404],
    ];
    for (const [payload, event, status] of cases) {
      const before = stranger.chat.log.length;
      (stranger.chat.client.socket.emit as (e: string, p: unknown) => void)(event, payload);
      expect(await m.appError(stranger.chat, before), `${event} ${JSON.stringify(payload)}`).toMatchObject({ error: true, statusCode: status, data: { event } });
    }
    expect(named(stranger.chat.log, 'loadMessages')).toEqual([]);
    expect(stranger.chat.client.socket.connected).toBe(true);
    // The owner's messages are untouched: still unread for the vendor.
    await m.settle(customer.chat);
    expect(named(customer.chat.log, 'updateReadReceipts')).toEqual([]);
  });

  it('refuses a joinChat naming neither a chat nor a product and user (400)', async () => {
    const ada = await m.online(await m.user('customer'));
    (ada.chat.client.socket.emit as (e: string, p: unknown) => void)('joinChat', { productId: 'p' });
    expect(await m.appError(ada.chat)).toMatchObject({ statusCode: 400, data: { event: 'joinChat' } });
  });
});
