/**
 * Connecting to `/chat`: `userChats` then `offlineMessages`, each the latest page only; and
 * the two payload-less requests, `joinRooms` and `getUserChats`.
 */
import { expect, it } from 'vitest';
import type * as T from '../../generated/marketplace/types.js';
import { describeEachBackend } from '../storage/backends.js';
import { appErrors, named, newProduct, useMarketplace } from './harness.js';

describeEachBackend('marketplace /chat connection', (backend) => {
  // Some cases send a chat's history faster than a person types; flow control has suites of its own.
  const m = useMarketplace(backend, { flowControl: false });

  it('sends userChats, then offlineMessages, and nothing else, to a new user', async () => {
    const ada = await m.online(await m.user('customer'));
    expect(ada.chat.log.map((r) => r.event)).toEqual(['userChats', 'offlineMessages']);
    expect(ada.userChats).toEqual({ statusCode: 200, error: false, message: expect.any(String), data: [] });
    expect(ada.offlineMessages).toEqual({ statusCode: 200, error: false, message: expect.any(String), data: [] });
  });

  it('lists the chats newest first, each with its messages newest first, and the same chat for both users', async () => {
    const customer = await m.online(await m.user('customer'));
    const vendor = await m.user('vendor');
    const [older, newer] = [newProduct(), newProduct()];
    await m.send(customer, vendor, older, 'about the older product');
    await m.send(customer, vendor, newer, 'first about the newer');
    await m.send(customer, vendor, newer, 'second about the newer');

    const { userChats } = await m.online(vendor);
    expect(userChats.data.map((c) => c.productId)).toEqual([newer, older]);
    expect(userChats.data[0]!.messages.map((msg) => msg.text)).toEqual(['second about the newer', 'first about the newer']);
    expect(userChats.data[0]).toMatchObject({ customerId: customer.user.id, vendorId: vendor.id, lastMessageAt: expect.any(String) });

    const again = await m.openChat(customer.user);
    expect(again.userChats.data).toEqual(userChats.data);
  });

  it('carries at most the latest 50 messages of a chat', async () => {
    const customer = await m.online(await m.user('customer'));
    const vendor = await m.user('vendor');
    const product = newProduct();
    for (let i = 1; i <= 53; i++) await m.send(customer, vendor, product, `message ${i}`);
    const { userChats, offlineMessages } = await m.online(vendor);
    const texts = userChats.data[0]!.messages.map((msg) => msg.text);
    expect(texts).toHaveLength(50);
    expect(texts[0]).toBe('message 53');
    expect(texts[49]).toBe('message 4');
    expect(offlineMessages.data).toHaveLength(53);
  });

  it.each(['joinRooms', 'getUserChats'] as const)('answers %s, with {} or with no argument at all, with userChats', async (event) => {
    const customer = await m.online(await m.user('customer'));
    const vendor = await m.user('vendor');
    await m.send(customer, vendor, newProduct(), 'hello');
    const before = customer.chat.log.length;
    customer.chat.client[event]({});
    (customer.chat.client.socket.emit as (e: string) => void)(event);
    await m.settle(customer.chat);
    const answers = named<T.UserChatsPayload>(customer.chat.log.slice(before), 'userChats');
    expect(answers).toHaveLength(2);
    for (const answer of answers) expect(answer.data.map((c) => c.messages[0]!.text)).toEqual(['hello']);
    expect(appErrors(customer.chat.log)).toEqual([]);
  });

  it('refuses a payload where none is expected, and an unknown event, keeping the socket', async () => {
    const ada = await m.online(await m.user('vendor'));
    (ada.chat.client.socket.emit as (e: string, p: unknown) => void)('getUserChats', { page: 2 });
    expect(await m.appError(ada.chat)).toMatchObject({ statusCode: 400, data: { event: 'getUserChats', field: 'page' } });
    const before = ada.chat.log.length;
    (ada.chat.client.socket.emit as (e: string, p: unknown) => void)('getChats', {});
    expect(await m.appError(ada.chat, before)).toMatchObject({ statusCode: 400, data: { event: 'getChats' } });
    expect(ada.chat.client.socket.connected).toBe(true);
  });
});
