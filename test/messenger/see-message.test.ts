/**
 * `seeMessage`: the viewer has seen everything the other user sent them; that user gets
 * `seenMessage`, and every socket of the viewer its new unread total.
 */
import { expect, it } from 'vitest';
import { describeEachBackend } from '../storage/backends.js';
import { text, useMessengerServer } from './harness.js';

describeEachBackend('messenger seeMessage', (backend) => {
  const h = useMessengerServer(backend);

  it("marks the sender's messages read, tells the sender, and updates every tab of the viewer", async () => {
    const [ada, grace, bob] = h.users('ada', 'grace', 'bob');
    const adaTab = await h.connect(ada);
    const bobTab = await h.connect(bob);
    const grace1 = await h.connect(grace);
    const grace2 = await h.connect(grace);
    adaTab.client.sendMessage(text(ada, grace, 'one'));
    adaTab.client.sendMessage(text(ada, grace, 'two'));
    await grace1.next('unreadMessagesCount', 2);
    bobTab.client.sendMessage(text(bob, grace, 'from Bob'));
    await grace1.next('unreadMessagesCount', 3);
    expect(grace1.payloads('unreadMessagesCount').at(-1)).toEqual({ count: 3 });

    grace2.client.seeMessage({ senderid: ada, userid: grace });
    expect(await adaTab.next('seenMessage')).toEqual({ receiverid: grace });
    // Bob's message is still unread.
    for (const tab of [grace1, grace2]) expect(await tab.next('unreadMessagesCount', 4)).toEqual({ count: 1 });
    expect(bobTab.events()).not.toContain('seenMessage');

    // The next message to Grace counts from there.
    adaTab.client.sendMessage(text(ada, grace, 'three'));
    const update = await grace1.next('threadUpdate', 2);
    expect(update).toMatchObject({ last_message: 'three', unreadCount: 1 });
    expect(await grace1.next('unreadMessagesCount', 5)).toEqual({ count: 2 });
  });

  it.each([
    ['with no thread with the sender', (grace: string) => ({ senderid: 'stranger-0', userid: grace }), 404, 'senderid'],
    ['of oneself', (grace: string) => ({ senderid: grace, userid: grace }), 404, 'senderid'],
    ['as someone else', (grace: string, ada: string) => ({ senderid: grace, userid: ada }), 403, 'userid'],
  ])('refuses a seeMessage %s', async (_name, payload, statusCode, field) => {
    const [ada, grace] = h.users('ada', 'grace');
    const graceTab = await h.connect(grace);
    graceTab.raw('seeMessage', payload(grace, ada));
    expect(await graceTab.next('error')).toMatchObject({ event: 'seeMessage', statusCode, field });
  });
});
