/**
 * What the server knows survives a restart on the same store: histories, unread counts, read
 * and delivery state, files, idempotency keys and messages still waiting for their receiver.
 */
import { expect, it } from 'vitest';
import { describeEachBackend } from '../storage/backends.js';
import { api, FILES, text, useMessengerServer } from './harness.js';

describeEachBackend('messenger restart durability', (backend) => {
  const h = useMessengerServer(backend);

  it('keeps history, unread counts, read state, files and idempotency across a restart', async () => {
    const [ada, grace, bob] = h.users('ada', 'grace', 'bob');
    const adaTab = await h.connect(ada);
    const graceTab = await h.connect(grace);
    adaTab.client.sendMessage(text(ada, grace, 'one', 'c-1'));
    adaTab.client.sendMessage(text(ada, grace, 'two', 'c-2'));
    await graceTab.next('unreadMessagesCount', 2);
    graceTab.client.seeMessage({ senderid: ada, userid: grace });
    await adaTab.next('seenMessage');
    adaTab.client.sendMessage(text(ada, grace, 'three', 'c-3'));
    adaTab.client.sendMedia({ messageid: 'c-4', senderid: ada, receiverid: grace, mimeType: 'image/png', file: FILES.png });
    const media = await graceTab.next<{ contentURL: string }>('newMedia');
    // Bob is offline: this one waits for him.
    adaTab.client.sendMessage(text(ada, bob, 'for Bob', 'c-5'));
    await adaTab.next('newMessage', 4);

    const read = async () => {
      const tokens = { ada: await h.token(ada), grace: await h.token(grace) };
      const history = await api(h.server(), 'GET', `/api/v1/chat/chatHistory/${grace}/${ada}`, { token: tokens.grace });
      const threads = await api(h.server(), 'GET', `/api/v1/chat/threads/${ada}`, { token: tokens.ada });
      const unread = await api(h.server(), 'GET', `/api/v1/chat/unreadCount/${grace}`, { token: tokens.grace });
      return {
        history: history.body.messages.map((m: any) => [m.messageid, m.message, m.contentType, m.seen]),
        threads: threads.body.threads.map((t: any) => [t._id, t.last_message, t.contentType]),
        unread: unread.body,
      };
    };
    const before = await read();
    expect(before.history).toEqual([
      ['c-4', '', 'image/png', false],
      ['c-3', 'three', 'text', false],
      ['c-2', 'two', 'text', true],
      ['c-1', 'one', 'text', true],
    ]);
    expect(before.unread).toEqual({ count: 2 });

    await h.restart();
    const after = await read();
    expect(after).toEqual(before);

    // The file is still served, at its new address (the restarted server listens on a new port).
    const path = new URL(media.contentURL).pathname;
    const file = await fetch(`${h.server().url}${path}`, { headers: { authorization: `Bearer ${await h.token(grace)}` } });
    expect(Buffer.from(await file.arrayBuffer())).toEqual(FILES.png);

    // A send retried after the restart is still recognized.
    const adaAgain = await h.connect(ada);
    adaAgain.client.sendMessage(text(ada, grace, 'three', 'c-3'));
    await adaAgain.next('newMessage');
    expect((await read()).history).toHaveLength(4);
    // Its repeated emits say it was delivered: Grace had it before the restart.
    expect(adaAgain.events()).toEqual(['deliveredMessage', 'threadUpdate', 'newMessage']);

    // Bob's message waited through the restart: Ada hears of its delivery when he connects.
    await h.connect(bob);
    expect(await adaAgain.next('deliveredMessage', 2)).toEqual({ receiverid: bob });
  });
});
