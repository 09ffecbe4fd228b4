/**
 * Connecting and disconnecting: messages that waited for a user are delivered when they
 * connect (their senders get `deliveredMessage`); everyone with a thread with the user gets the
 * thread with `is_online` "1" on the user's first socket and "0" when the last one leaves.
 */
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/net.js';
import { describeEachBackend } from '../storage/backends.js';
import { text, useMessengerServer } from './harness.js';

type Thread = { _id: string; unreadCount: number; participants: Array<{ userid: string; username: string; is_online: string; profilePic: string }> };
const statusOf = (thread: Thread, user: string) => thread.participants.find((p) => p.userid === user)?.is_online;

describeEachBackend('messenger connection lifecycle', (backend) => {
  const h = useMessengerServer(backend);

  describe('pending messages', () => {
    it('delivers them when the receiver connects, and tells every socket of each sender once', async () => {
      const [ada, bob, grace] = h.users('ada', 'bob', 'grace');
      const ada1 = await h.connect(ada);
      const ada2 = await h.connect(ada);
      const bobTab = await h.connect(bob);
      ada1.client.sendMessage(text(ada, grace, 'one'));
      ada1.client.sendMessage(text(ada, grace, 'two'));
      bobTab.client.sendMessage(text(bob, grace, 'hi'));
      await Promise.all([ada1.next('newMessage', 2), ada2.next('newMessage', 2), bobTab.next('newMessage')]);
      expect([...ada1.events(), ...bobTab.events()]).not.toContain('deliveredMessage');

      await h.connect(grace);
      for (const tab of [ada1, ada2, bobTab]) expect(await tab.next('deliveredMessage')).toEqual({ receiverid: grace });
      // The store agrees: nothing is pending for Grace any more.
      expect((await h.server().core.markDelivered(await h.internalId(grace))).senders).toEqual([]);

      // A second socket finds nothing pending: no second deliveredMessage. Ada's next message,
      // sent after, arrives after anything that connection could have caused.
      await h.connect(grace);
      ada1.client.sendMessage(text(ada, grace, 'three'));
      await ada1.next('newMessage', 3);
      expect(ada1.events().filter((e) => e === 'deliveredMessage')).toHaveLength(2);
    });
  });

  describe('online status', () => {
    it("sends each counterpart the thread with is_online '1' on the first socket, with the counterpart's unread count", async () => {
      const [ada, grace] = h.users('ada', 'grace');
      const grace0 = await h.connect(grace, { name: 'Grace' });
      grace0.client.sendMessage(text(grace, ada, 'are you there?'));
      grace0.client.sendMessage(text(grace, ada, 'hello?'));
      await grace0.next('newMessage', 2);
      grace0.close();
      await h.waitOnline(grace, false);

      const adaTab = await h.connect(ada);
      await h.connect(grace, { name: 'Grace Hopper', picture: 'https://example.com/grace.png' });
      // Ada may also get the update of Grace's first socket leaving, when that was still on its way.
      await waitFor(() => adaTab.payloads<Thread>('threadUpdate').some((t) => statusOf(t, grace) === '1'), "the update with Grace online");
      const update = adaTab.payloads<Thread>('threadUpdate').find((t) => statusOf(t, grace) === '1')!;
      expect(update).toMatchObject({ last_message: 'hello?', last_message_sender_id: grace, last_message_Username: 'Grace Hopper', contentType: 'text', unreadCount: 2 });
      expect(update.participants).toEqual(
        expect.arrayContaining([
          { userid: ada, username: ada, is_online: '1', profilePic: '' },
          { userid: grace, username: 'Grace Hopper', is_online: '1', profilePic: 'https://example.com/grace.png' },
        ]),
      );
    });

    it("sends nothing for a second socket, and is_online '0' only when the last socket leaves", async () => {
      const [ada, grace] = h.users('ada', 'grace');
      const adaTab = await h.connect(ada);
      const grace1 = await h.connect(grace);
      adaTab.client.sendMessage(text(ada, grace, 'hi'));
      await grace1.next('newMessage');
      adaTab.clear();

      const grace2 = await h.connect(grace);
      // Grace's second socket handles its events only after its connection's own work.
      grace2.client.seeMessage({ senderid: ada, userid: grace });
      await adaTab.next('seenMessage');
      expect(adaTab.events()).toEqual(['seenMessage']);

      grace1.close();
      await waitFor(() => h.server().server.io.of('/').sockets.size === 2, 'the first socket to leave');
      grace2.client.sendMessage(text(grace, ada, 'still here'));
      await adaTab.next('unreadMessagesCount');
      // Only the message's own sequence: no status update came before it.
      expect(adaTab.events()).toEqual(['seenMessage', 'threadUpdate', 'newMessage', 'unreadMessagesCount']);
      expect(adaTab.payloads<Thread & { last_message: string }>('threadUpdate').map((t) => [t.last_message, statusOf(t, grace)])).toEqual([['still here', '1']]);

      adaTab.clear();
      grace2.close();
      const update = await adaTab.next<Thread>('threadUpdate');
      expect(statusOf(update, grace)).toBe('0');
      expect(statusOf(update, ada)).toBe('1');
      await h.waitOnline(grace, false);
      expect(adaTab.events()).toEqual(['threadUpdate']);
    });

    it('tells the counterparts of every thread, each their own thread', async () => {
      const [ada, bob, grace] = h.users('ada', 'bob', 'grace');
      const adaTab = await h.connect(ada);
      const bobTab = await h.connect(bob);
      const graceTab = await h.connect(grace);
      adaTab.client.sendMessage(text(ada, grace, 'to Grace'));
      bobTab.client.sendMessage(text(bob, grace, 'to Grace from Bob'));
      await graceTab.next('unreadMessagesCount', 2);
      const threads = new Map([...adaTab.payloads<Thread>('newThread'), ...bobTab.payloads<Thread>('newThread')].map((t) => [t._id, t]));

      graceTab.close();
      const [atAda, atBob] = await Promise.all([adaTab.next<Thread>('threadUpdate'), bobTab.next<Thread>('threadUpdate')]);
      expect(threads.has(atAda._id) && threads.has(atBob._id) && atAda._id !== atBob._id).toBe(true);
      expect(atAda.participants.map((p) => p.userid).sort()).toEqual([ada, grace].sort());
      expect(atBob.participants.map((p) => p.userid).sort()).toEqual([bob, grace].sort());
      expect([statusOf(atAda, grace), statusOf(atBob, grace)]).toEqual(['0', '0']);
    });
  });

  describe('profile', () => {
    it("takes the user's name and picture from each connection's token", async () => {
      const [ada] = h.users('ada');
      await h.connect(ada, { name: 'Ada', picture: 'https://example.com/a.png' });
      expect(await h.server().core.findUser('messenger', ada)).toMatchObject({ name: 'Ada', picture: 'https://example.com/a.png' });
      await h.connect(ada, { name: 'Ada Lovelace' });
      await h.eventually(async () => (await h.server().core.findUser('messenger', ada))?.name === 'Ada Lovelace', 'the new name');
      // A claim left out keeps the stored value.
      expect(await h.server().core.findUser('messenger', ada)).toMatchObject({ picture: 'https://example.com/a.png' });
    });
  });
});
