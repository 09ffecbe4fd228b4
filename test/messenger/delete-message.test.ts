/**
 * `deleteMessage`: only a message's sender deletes it, only in the thread `receiverid` names;
 * the receiver gets `messageDeleted`. Every refusal is the error event and changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { describeEachBackend } from '../storage/backends.js';
import { text, useMessengerServer, type Tab } from './harness.js';

describeEachBackend('messenger deleteMessage', (backend) => {
  const h = useMessengerServer(backend);

  /** Sends a message and returns its stored id once the receiver has it. */
  async function sent(from: Tab, to: Tab, message = 'hello'): Promise<string> {
    const before = to.payloads('newMessage').length;
    from.client.sendMessage(text(from.user, to.user, message));
    const item = await to.next('newMessage', before + 1);
    return item._id as string;
  }

  async function live(user: string, messageId: string) {
    const message = await h.server().core.getMessage(await h.internalId(user), messageId);
    return message.deletedAt === null;
  }

  it("deletes the sender's message and tells every socket of the receiver", async () => {
    const [ada, grace] = h.users('ada', 'grace');
    const adaTab = await h.connect(ada);
    const grace1 = await h.connect(grace);
    const grace2 = await h.connect(grace);
    const chatid = await sent(adaTab, grace1);
    await grace2.next('newMessage');
    adaTab.client.deleteMessage({ chatid, senderid: ada, receiverid: grace });
    for (const tab of [grace1, grace2]) expect(await tab.next('messageDeleted')).toEqual({ chatid, senderid: ada });
    expect(await live(ada, chatid)).toBe(false);
    // The history no longer shows it.
    const { conversation } = await h.server().core.openDirect(await h.internalId(ada), await h.internalId(grace));
    expect((await h.server().core.history(await h.internalId(grace), conversation.id)).items).toEqual([]);
  });

  describe('refusals', () => {
    it("refuses to delete the other participant's message (403)", async () => {
      const [ada, grace] = h.users('ada', 'grace');
      const adaTab = await h.connect(ada);
      const graceTab = await h.connect(grace);
      const chatid = await sent(adaTab, graceTab);
      graceTab.client.deleteMessage({ chatid, senderid: grace, receiverid: ada });
      expect(await graceTab.next('error')).toMatchObject({ event: 'deleteMessage', statusCode: 403, field: 'chatid' });
      expect(await live(ada, chatid)).toBe(true);
    });

    it('refuses a stranger, who has no thread with the receiver (404), and tells nobody', async () => {
      const [ada, grace, eve] = h.users('ada', 'grace', 'eve');
      const adaTab = await h.connect(ada);
      const graceTab = await h.connect(grace);
      const eveTab = await h.connect(eve);
      const chatid = await sent(adaTab, graceTab);
      eveTab.client.deleteMessage({ chatid, senderid: eve, receiverid: grace });
      expect(await eveTab.next('error')).toMatchObject({ event: 'deleteMessage', statusCode: 404, field: 'receiverid' });
      expect(await live(ada, chatid)).toBe(true);
      expect(graceTab.events()).not.toContain('messageDeleted');
    });

    it("refuses a message of another of the sender's threads (404)", async () => {
      const [ada, grace, bob] = h.users('ada', 'grace', 'bob');
      const adaTab = await h.connect(ada);
      const graceTab = await h.connect(grace);
      const bobTab = await h.connect(bob);
      const toGrace = await sent(adaTab, graceTab);
      await sent(adaTab, bobTab);
      adaTab.client.deleteMessage({ chatid: toGrace, senderid: ada, receiverid: bob });
      expect(await adaTab.next('error')).toMatchObject({ event: 'deleteMessage', statusCode: 404, field: 'chatid' });
      expect(await live(ada, toGrace)).toBe(true);
    });

    it.each([
      ['an unknown message', (ada: string, grace: string) => ({ chatid: '665f1c2e9b1e8a0012345678', senderid: ada, receiverid: grace }), 404, 'chatid'],
      ['in a thread that does not exist', (ada: string) => ({ chatid: '665f1c2e9b1e8a0012345678', senderid: ada, receiverid: 'nobody-at-all' }), 404, 'receiverid'],
      ['with oneself as receiver', (ada: string) => ({ chatid: '665f1c2e9b1e8a0012345678', senderid: ada, receiverid: ada }), 404, 'receiverid'],
      ['as someone else', (ada: string, grace: string) => ({ chatid: '665f1c2e9b1e8a0012345678', senderid: grace, receiverid: ada }), 403, 'senderid'],
      ['with a malformed id', (ada: string, grace: string) => ({ chatid: 'not an id!', senderid: ada, receiverid: grace }), 400, 'chatid'],
    ])('refuses %s', async (_name, payload, statusCode, field) => {
      const [ada, grace] = h.users('ada', 'grace');
      const adaTab = await h.connect(ada);
      const graceTab = await h.connect(grace);
      await sent(adaTab, graceTab);
      adaTab.raw('deleteMessage', payload(ada, grace));
      expect(await adaTab.next('error')).toMatchObject({ event: 'deleteMessage', statusCode, field });
    });
  });
});
