/**
 * Sends are idempotent on the client's `messageid`: a retried send stores nothing new and
 * repeats its emits, so a client that lost the first `newMessage` (a dropped connection) can
 * retry safely.
 */
import { describe, expect, it } from 'vitest';
import { describeEachBackend } from '../storage/backends.js';
import { FILES, text, useMessengerServer } from './harness.js';

describeEachBackend('messenger idempotent sends', (backend) => {
  const h = useMessengerServer(backend);

  async function storedMessages(user: string, other: string) {
    const core = h.server().core;
    const [userId, otherId] = [await h.internalId(user), await h.internalId(other)];
    const { conversation } = await core.openDirect(userId, otherId);
    return (await core.history(userId, conversation.id)).items;
  }

  describe('sendMessage', () => {
    it('stores a message sent twice with the same messageid once, and repeats every emit', async () => {
      const [ada, grace] = h.users('ada', 'grace');
      const adaTab = await h.connect(ada);
      const graceTab = await h.connect(grace);
      const payload = text(ada, grace, 'once', 'c-retry');
      adaTab.client.sendMessage(payload);
      const first = await adaTab.next('newMessage');
      await graceTab.next('unreadMessagesCount');
      adaTab.client.sendMessage(payload);
      const second = await adaTab.next('newMessage', 2);
      await graceTab.next('unreadMessagesCount', 2);

      expect(second).toEqual(first);
      expect(graceTab.payloads('newMessage')).toEqual([first, first]);
      // The repeat of the pair's first message is again `newThread`: the same emits.
      expect(adaTab.events()).toEqual(['deliveredMessage', 'newThread', 'newMessage', 'deliveredMessage', 'newThread', 'newMessage']);
      expect(graceTab.payloads('unreadMessagesCount')).toEqual([{ count: 1 }, { count: 1 }]);
      expect((await storedMessages(ada, grace)).map((m) => m.text)).toEqual(['once']);
    });

    it('stores a send retried concurrently from two sockets once', async () => {
      const [ada, grace] = h.users('ada', 'grace');
      const tab1 = await h.connect(ada);
      const tab2 = await h.connect(ada);
      const payload = text(ada, grace, 'raced', 'c-race');
      tab1.client.sendMessage(payload);
      tab2.client.sendMessage(payload);
      // Each send's newMessage goes to both of Ada's tabs.
      await Promise.all([tab1.next('newMessage', 2), tab2.next('newMessage', 2)]);
      const ids = new Set(tab1.payloads('newMessage').map((m) => m._id));
      expect(ids.size).toBe(1);
      expect(await storedMessages(ada, grace)).toHaveLength(1);
    });

    it('shows the thread as it really is when an old send is repeated', async () => {
      const [ada, grace] = h.users('ada', 'grace');
      const adaTab = await h.connect(ada);
      const old = text(ada, grace, 'old', 'c-old');
      adaTab.client.sendMessage(old);
      await adaTab.next('newMessage');
      adaTab.client.sendMessage(text(ada, grace, 'newer'));
      await adaTab.next('newMessage', 2);
      adaTab.client.sendMessage(old);
      const repeated = await adaTab.next('newMessage', 3);
      expect(repeated).toMatchObject({ messageid: 'c-old', message: 'old' });
      expect(adaTab.payloads('threadUpdate').at(-1)).toMatchObject({ last_message: 'newer' });
      expect(await storedMessages(ada, grace)).toHaveLength(2);
    });

    it('refuses to repeat a send whose message was deleted since', async () => {
      const [ada, grace] = h.users('ada', 'grace');
      const adaTab = await h.connect(ada);
      const payload = text(ada, grace, 'regret', 'c-regret');
      adaTab.client.sendMessage(payload);
      const sent = await adaTab.next('newMessage');
      adaTab.client.deleteMessage({ chatid: sent._id as string, senderid: ada, receiverid: grace });
      adaTab.client.sendMessage(payload);
      expect(await adaTab.next('error')).toMatchObject({ event: 'sendMessage', statusCode: 400, field: 'messageid' });
      expect(adaTab.payloads('newMessage')).toHaveLength(1);
    });

    it('keeps the same messageid of two senders apart', async () => {
      const [ada, grace] = h.users('ada', 'grace');
      const adaTab = await h.connect(ada);
      const graceTab = await h.connect(grace);
      adaTab.client.sendMessage(text(ada, grace, 'from Ada', 'c-same'));
      await graceTab.next('newMessage');
      graceTab.client.sendMessage(text(grace, ada, 'from Grace', 'c-same'));
      await adaTab.next('newMessage', 2);
      expect((await storedMessages(ada, grace)).map((m) => m.text).sort()).toEqual(['from Ada', 'from Grace']);
    });
  });

  describe('sendMedia', () => {
    it('stores a file sent twice with the same messageid once', async () => {
      const [ada, grace] = h.users('ada', 'grace');
      const adaTab = await h.connect(ada);
      const payload = { messageid: 'c-pic', senderid: ada, receiverid: grace, mimeType: 'image/png' as const, file: FILES.png };
      adaTab.client.sendMedia(payload);
      const first = await adaTab.next('newMedia');
      adaTab.client.sendMedia(payload);
      const second = await adaTab.next('newMedia', 2);
      expect(second).toEqual(first);
      expect(await storedMessages(ada, grace)).toHaveLength(1);
    });

    it.each([
      ['a text, then a file', 'sendMessage', 'sendMedia'],
      ['a file, then a text', 'sendMedia', 'sendMessage'],
    ] as const)('refuses a messageid used for %s', async (_name, first, then) => {
      const [ada, grace] = h.users('ada', 'grace');
      const adaTab = await h.connect(ada);
      const payloads = {
        sendMessage: text(ada, grace, 'words', 'c-both'),
        sendMedia: { messageid: 'c-both', senderid: ada, receiverid: grace, mimeType: 'image/png' as const, file: FILES.png },
      };
      adaTab.raw(first, payloads[first]);
      await adaTab.next(first === 'sendMessage' ? 'newMessage' : 'newMedia');
      adaTab.raw(then, payloads[then]);
      expect(await adaTab.next('error')).toMatchObject({ event: then, statusCode: 400, field: 'messageid' });
      expect(await storedMessages(ada, grace)).toHaveLength(1);
    });
  });
});
