/**
 * A restart (server and store closed, then opened again on the same store) loses nothing that
 * was acknowledged: chats, messages, read state, deletions, offline messages, media.
 */
import { expect, it } from 'vitest';
import type * as T from '../../generated/marketplace/types.js';
import { describeEachBackend } from '../storage/backends.js';
import { newProduct, received, useMarketplace } from './harness.js';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);

describeEachBackend('marketplace restart durability', (backend) => {
  const m = useMarketplace(backend);

  it('keeps chats, messages, read marks, deletions, offline messages and media across a restart', async () => {
    const customerUser = await m.user('customer');
    const vendorUser = await m.user('vendor');
    const customer = await m.online(customerUser);
    const [read, unread] = [newProduct(), newProduct()];
    const response = await fetch(`${m.url}/api/v1/chat/media`, { method: 'POST', headers: { authorization: `Bearer ${customerUser.token}`, 'content-type': 'image/png' }, body: PNG });
    const media = (await response.json()) as T.Media;
    const a = await m.send(customer, vendorUser, read, 'read before the restart', { messageMedias: [{ id: media.id }], storeName: 'Tech Haven' });
    const gone = await m.send(customer, vendorUser, read, 'deleted before the restart');
    const b = await m.send(customer, vendorUser, unread, 'unread across the restart');
    customer.chat.client.deleteMessage({ productId: read, recipientId: vendorUser.id, messageId: gone.id });
    await received(customer.chat.log, 'messageDeleted');
    const vendor = await m.online(vendorUser);
    vendor.chat.client.markAsRead({ productId: read, recipientId: customerUser.id });
    await received(customer.chat.log, 'updateReadReceipts');

    await m.restart();

    const after = await m.online(vendorUser);
    expect(after.offlineMessages.data.map((x) => x.id)).toEqual([b.id]);
    const byProduct = new Map(after.userChats.data.map((c) => [c.productId, c]));
    expect(byProduct.get(unread)!.messages.map((x) => [x.id, x.read])).toEqual([[b.id, false]]);
    const readChat = byProduct.get(read)!;
    expect(readChat).toMatchObject({ id: a.chatId, storeName: 'Tech Haven', customerId: customerUser.id, vendorId: vendorUser.id });
    expect(readChat.messages.map((x) => [x.id, x.read])).toEqual([[a.id, true]]);
    const attached = readChat.messages[0]!.messageMedias[0]!;
    expect(attached).toMatchObject({ id: media.id, imageUrl: `${m.url}/media/${media.id}`, mimeType: 'image/png' });
    const file = await fetch(attached.imageUrl, { headers: { authorization: `Bearer ${vendorUser.token}` } });
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(PNG);

    // The chat goes on: the next message is not a new chat.
    const customerAgain = await m.online(customerUser);
    const c = await m.send(customerAgain, vendorUser, read, 'after the restart');
    expect(c.chatId).toBe(a.chatId);
    await received(after.chat.log, 'receiveMessage', (p: T.ReceiveMessagePayload) => p.data[0]!.id === c.id);
  });
});
