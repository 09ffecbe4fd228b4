/**
 * `sendMessage`: the spec's ordered emits to sender and receiver, for a first message and an
 * existing thread, with the receiver online or offline, and with several sockets per user.
 */
import { describe, expect, it } from 'vitest';
import { describeEachBackend } from '../storage/backends.js';
import { text, useMessengerServer } from './harness.js';

describeEachBackend('messenger sendMessage', (backend) => {
  const h = useMessengerServer(backend);

  describe('a first message, receiver online', () => {
    it('sends deliveredMessage, newThread, newMessage to the sender and newThread, newMessage, unreadMessagesCount to the receiver', async () => {
      const [ada, grace] = h.users('ada', 'grace');
      const adaTab = await h.connect(ada, { name: 'Ada Lovelace', picture: 'https://example.com/ada.png' });
      const graceTab = await h.connect(grace, { name: 'Grace Hopper' });

      adaTab.client.sendMessage(text(ada, grace, 'Hello Grace!', 'c-1'));
      const atAda = await adaTab.next('newMessage');
      await graceTab.next('unreadMessagesCount');

      expect(adaTab.events()).toEqual(['deliveredMessage', 'newThread', 'newMessage']);
      expect(graceTab.events()).toEqual(['newThread', 'newMessage', 'unreadMessagesCount']);
      expect(adaTab.payloads('deliveredMessage')).toEqual([{ receiverid: grace }]);
      expect(atAda).toEqual({ _id: expect.stringMatching(/^[0-9a-f]{24}$/), messageid: 'c-1', senderid: ada, receiverid: grace, message: 'Hello Grace!', createdAt: expect.any(String) });
      expect(graceTab.payloads('newMessage')).toEqual([atAda]);
      expect(graceTab.payloads('unreadMessagesCount')).toEqual([{ count: 1 }]);

      const participants = [
        { userid: ada, username: 'Ada Lovelace', is_online: '1', profilePic: 'https://example.com/ada.png' },
        { userid: grace, username: 'Grace Hopper', is_online: '1', profilePic: '' },
      ];
      const [adaThread] = adaTab.payloads('newThread');
      const [graceThread] = graceTab.payloads('newThread');
      const common = {
        _id: expect.any(String),
        last_message: 'Hello Grace!',
        last_message_sender_id: ada,
        last_message_Username: 'Ada Lovelace',
        last_message_timestamp: atAda.createdAt,
        contentType: 'text',
      };
      expect(adaThread).toMatchObject({ ...common, unreadCount: 0 });
      expect(graceThread).toMatchObject({ ...common, unreadCount: 1 });
      expect(graceThread!._id).toBe(adaThread!._id);
      for (const thread of [adaThread, graceThread]) {
        expect(thread!.participants).toEqual(expect.arrayContaining(participants));
      }
    });
  });

  describe('a first message, receiver offline', () => {
    it('sends no deliveredMessage, stores the message pending, and names the receiver by id until they connect', async () => {
      const [ada, grace] = h.users('ada', 'grace');
      const adaTab = await h.connect(ada, { name: 'Ada' });
      adaTab.client.sendMessage(text(ada, grace, 'Are you there?'));
      const message = await adaTab.next('newMessage');
      expect(adaTab.events()).toEqual(['newThread', 'newMessage']);
      const [thread] = adaTab.payloads<{ participants: Array<{ userid: string; is_online: string; username: string }> }>('newThread');
      expect(thread!.participants.find((p) => p.userid === grace)).toEqual({ userid: grace, username: grace, is_online: '0', profilePic: '' });

      const core = h.server().core;
      const adaId = await h.internalId(ada);
      const [entry] = (await core.listConversations(adaId)).items;
      expect(entry!.lastMessage).toMatchObject({ id: message._id, text: 'Are you there?' });
      const graceSide = entry!.participants.find((p) => p.user.externalId === grace);
      expect(graceSide!.deliveredSeq).toBe(0);
    });
  });

  describe('an existing thread', () => {
    it('sends threadUpdate instead of newThread, with the new last message and each side its unread count', async () => {
      const [ada, grace] = h.users('ada', 'grace');
      const adaTab = await h.connect(ada, { name: 'Ada' });
      const graceTab = await h.connect(grace, { name: 'Grace' });
      adaTab.client.sendMessage(text(ada, grace, 'one'));
      await graceTab.next('unreadMessagesCount');
      adaTab.client.sendMessage(text(ada, grace, 'two'));
      await graceTab.next('unreadMessagesCount', 2);
      graceTab.client.sendMessage(text(grace, ada, 'three'));
      await adaTab.next('unreadMessagesCount');

      expect(adaTab.events()).toEqual([
        ...['deliveredMessage', 'newThread', 'newMessage'],
        ...['deliveredMessage', 'threadUpdate', 'newMessage'],
        ...['threadUpdate', 'newMessage', 'unreadMessagesCount'],
      ]);
      expect(graceTab.events()).toEqual([
        ...['newThread', 'newMessage', 'unreadMessagesCount'],
        ...['threadUpdate', 'newMessage', 'unreadMessagesCount'],
        ...['deliveredMessage', 'threadUpdate', 'newMessage'],
      ]);
      expect(graceTab.payloads('unreadMessagesCount')).toEqual([{ count: 1 }, { count: 2 }]);
      expect(adaTab.payloads('unreadMessagesCount')).toEqual([{ count: 1 }]);
      // Grace's own reply leaves her two unread messages from Ada unread.
      expect(graceTab.payloads('threadUpdate').map((t) => [t.last_message, t.last_message_sender_id, t.unreadCount])).toEqual([
        ['two', ada, 2],
        ['three', grace, 2],
      ]);
      expect(adaTab.payloads('threadUpdate').map((t) => [t.last_message, t.unreadCount])).toEqual([
        ['two', 0],
        ['three', 1],
      ]);
    });
  });

  describe('several sockets per user', () => {
    it('gives every socket of both users every event, each once', async () => {
      const [ada, grace] = h.users('ada', 'grace');
      const ada1 = await h.connect(ada);
      const ada2 = await h.connect(ada);
      const grace1 = await h.connect(grace);
      const grace2 = await h.connect(grace);
      ada1.client.sendMessage(text(ada, grace, 'to every tab'));
      await Promise.all([ada1.next('newMessage'), ada2.next('newMessage'), grace1.next('unreadMessagesCount'), grace2.next('unreadMessagesCount')]);
      // The sender's sequence ends with newMessage, the receiver's with unreadMessagesCount: once
      // those arrived, nothing of this send is still on its way.
      for (const tab of [ada1, ada2]) expect(tab.events()).toEqual(['deliveredMessage', 'newThread', 'newMessage']);
      for (const tab of [grace1, grace2]) expect(tab.events()).toEqual(['newThread', 'newMessage', 'unreadMessagesCount']);
    });

    it('reaches nobody else', async () => {
      const [ada, grace, eve] = h.users('ada', 'grace', 'eve');
      const adaTab = await h.connect(ada);
      await h.connect(grace);
      const eveTab = await h.connect(eve);
      adaTab.client.sendMessage(text(ada, grace, 'private'));
      await adaTab.next('newMessage');
      // Eve's own exchange, sent after, arrives after anything of Ada's that would reach her.
      eveTab.client.sendMessage(text(eve, ada, 'ping'));
      await eveTab.next('newMessage');
      expect(eveTab.events()).toEqual(['deliveredMessage', 'newThread', 'newMessage']);
    });
  });

  describe('refusals', () => {
    it.each([
      ['to oneself', (ada: string) => text(ada, ada, 'me'), { statusCode: 400, field: 'receiverid' }],
      ['as someone else', (ada: string, grace: string) => text(grace, ada, 'I am Grace'), { statusCode: 403, field: 'senderid' }],
      ['without a receiver', (ada: string) => ({ messageid: 'c-x', senderid: ada, message: 'x' }), { statusCode: 400, field: 'receiverid' }],
      ['with an empty text', (ada: string, grace: string) => text(ada, grace, ''), { statusCode: 400, field: 'message' }],
      ['with an over-long text', (ada: string, grace: string) => text(ada, grace, 'x'.repeat(5001)), { statusCode: 400, field: 'message' }],
      ['with an unknown field', (ada: string, grace: string) => ({ ...text(ada, grace, 'x'), extra: 1 }), { statusCode: 400, field: 'extra' }],
    ])('refuses a message %s with the error event; nothing is stored, the socket stays up', async (_name, payload, want) => {
      const [ada, grace] = h.users('ada', 'grace');
      const adaTab = await h.connect(ada);
      adaTab.raw('sendMessage', payload(ada, grace));
      expect(await adaTab.next('error')).toMatchObject({ event: 'sendMessage', ...want });
      const inbox = await h.server().core.listConversations(await h.internalId(ada));
      expect(inbox.items).toEqual([]);
      adaTab.client.sendMessage(text(ada, grace, 'still here'));
      await adaTab.next('newMessage');
    });
  });
});
