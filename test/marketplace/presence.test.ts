/**
 * `/presence`: the first socket of a user tells the users they share chats with
 * (`userIsOnline`, once per shared chat); the last one leaving tells them `userIsOffline`. A
 * second tab changes nothing, and users who share no chat hear nothing.
 */
import { expect, it } from 'vitest';
import type * as T from '../../generated/marketplace/types.js';
import { describeEachBackend } from '../storage/backends.js';
import { named, newProduct, received, useMarketplace } from './harness.js';

describeEachBackend('marketplace presence', (backend) => {
  const m = useMarketplace(backend);

  it('tells counterparts, once per shared chat, when a user comes online and goes offline', async () => {
    const vendor = await m.online(await m.user('vendor'));
    const stranger = await m.online(await m.user('vendor'));
    const customerUser = await m.user('customer');
    const customer = await m.online(customerUser);
    const [p1, p2] = [newProduct(), newProduct()];
    const a = await m.send(customer, vendor.user, p1, 'about p1');
    const b = await m.send(customer, vendor.user, p2, 'about p2');
    customer.presence.client.close();
    customer.chat.client.close();

    const offline = (p: T.UserIsOfflinePayload) => p.data.userId === customerUser.id;
    await received(vendor.presence.log, 'userIsOffline', offline);
    await received(vendor.presence.log, 'userIsOffline', (p: T.UserIsOfflinePayload) => offline(p) && named<T.UserIsOfflinePayload>(vendor.presence.log, 'userIsOffline').length === 2);
    const gone = named<T.UserIsOfflinePayload>(vendor.presence.log, 'userIsOffline');
    expect(gone.map((p) => p.data.chatId).sort()).toEqual([a.chatId, b.chatId].sort());
    expect(gone[0]).toMatchObject({ statusCode: 200, error: false, data: { userId: customerUser.id, userType: 'customer' } });

    const back = m.presence(customerUser.token);
    await back.client.ready();
    const online = (p: T.UserIsOnlinePayload) => p.data.userId === customerUser.id;
    await received(vendor.presence.log, 'userIsOnline', (p: T.UserIsOnlinePayload) => online(p) && named<T.UserIsOnlinePayload>(vendor.presence.log, 'userIsOnline').filter(online).length === 2);
    const came = named<T.UserIsOnlinePayload>(vendor.presence.log, 'userIsOnline').filter(online);
    expect(came.map((p) => p.data.chatId).sort()).toEqual([a.chatId, b.chatId].sort());
    expect(came[0]!.data.userType).toBe('customer');

    // A second tab is not news; its leaving while the first stays is not either.
    const tab = m.presence(customerUser.token);
    await tab.client.ready();
    tab.client.close();
    await tab.closed;
    const probe = m.presence(customerUser.token);
    await probe.client.ready();
    back.client.close();
    probe.client.close();
    await received(vendor.presence.log, 'userIsOffline', () => named(vendor.presence.log, 'userIsOffline').length >= 4);
    expect(named<T.UserIsOnlinePayload>(vendor.presence.log, 'userIsOnline').filter(online)).toHaveLength(2);
    expect(named(vendor.presence.log, 'userIsOffline')).toHaveLength(4);

    // Nobody else was told anything.
    expect(stranger.presence.log).toEqual([]);
    expect(named(vendor.chat.log, 'userIsOnline')).toEqual([]);
  });

  it('tells nobody when a user without chats, or an admin, connects', async () => {
    const watcher = await m.online(await m.user('customer'));
    const admin = m.presence((await m.user('admin')).token);
    await admin.client.ready();
    const loner = await m.online(await m.user('vendor'));
    loner.presence.client.close();
    admin.client.close();
    await Promise.all([admin.closed, loner.presence.closed]);
    // The watcher's own chat connection round trip; its presence socket got nothing.
    await m.settle(watcher.chat);
    expect(watcher.presence.log).toEqual([]);
  });

  it('counts a user online from their first /presence socket to their last', async () => {
    const user = await m.user('vendor');
    const first = m.presence(user.token);
    const second = m.presence(user.token);
    await Promise.all([first.client.ready(), second.client.ready()]);
    const core = m.server.core;
    const stored = async () => {
      const found = await core.findUser('marketplace:vendor', String(user.id));
      return found !== null && (await core.isOnline(found.id));
    };
    await expect.poll(stored, { timeout: 10_000 }).toBe(true);
    first.client.close();
    await first.closed;
    // Still online through the second socket: /chat admits them.
    const { userChats } = await m.openChat(user);
    expect(userChats.data).toEqual([]);
    second.client.close();
    await expect.poll(stored, { timeout: 10_000 }).toBe(false);
  });
});
