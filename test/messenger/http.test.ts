/**
 * The companion HTTP endpoints (docs/messenger-http.md): a user's threads, a pair's history,
 * mark as read (with its push to the user's sockets) and the unread count; each for the
 * authenticated user only.
 */
import { describe, expect, it } from 'vitest';
import { validate } from '../../generated/messenger/validators.js';
import { describeEachBackend } from '../storage/backends.js';
import { api, FILES, text, useMessengerServer, type Harness } from './harness.js';

/** Ada writes Grace twice and Bob once (in that order); Grace answers once. All online. */
async function conversations(h: Harness) {
  const [ada, grace, bob] = h.users('ada', 'grace', 'bob');
  const adaTab = await h.connect(ada, { name: 'Ada' });
  const graceTab = await h.connect(grace, { name: 'Grace' });
  const bobTab = await h.connect(bob);
  adaTab.client.sendMessage(text(ada, grace, 'one', 'c-1'));
  adaTab.client.sendMessage(text(ada, grace, 'two', 'c-2'));
  await graceTab.next('unreadMessagesCount', 2);
  graceTab.client.sendMessage(text(grace, ada, 'three', 'c-3'));
  await adaTab.next('unreadMessagesCount');
  adaTab.client.sendMessage(text(ada, bob, 'hi Bob', 'c-4'));
  await bobTab.next('unreadMessagesCount');
  return { ada, grace, bob, adaTab, graceTab, bobTab, token: { ada: await h.token(ada, { name: 'Ada' }), grace: await h.token(grace, { name: 'Grace' }), bob: await h.token(bob) } };
}

describeEachBackend('messenger HTTP endpoints', (backend) => {
  const h = useMessengerServer(backend);

  describe('GET /api/v1/chat/threads/:userid', () => {
    it("lists the user's threads, most recent first, as the user sees them, page by page", async () => {
      const { ada, grace, bob, token } = await conversations(h);
      const all = await api(h.server(), 'GET', `/api/v1/chat/threads/${ada}`, { token: token.ada });
      expect(all.status).toBe(200);
      expect(all.body.nextCursor).toBeNull();
      expect(all.body.threads.map((t: any) => [t.last_message, t.unreadCount])).toEqual([
        ['hi Bob', 0],
        ['three', 1],
      ]);
      expect(all.body.threads[1].participants).toEqual(
        expect.arrayContaining([
          { userid: ada, username: 'Ada', is_online: '1', profilePic: '' },
          { userid: grace, username: 'Grace', is_online: '1', profilePic: '' },
        ]),
      );

      // A listed thread is the spec's Thread, as threadUpdate carries it.
      for (const thread of all.body.threads) expect(validate('/', 'server', 'threadUpdate', thread)).toEqual([]);

      const first = await api(h.server(), 'GET', `/api/v1/chat/threads/${ada}?limit=1`, { token: token.ada });
      expect(first.body.threads.map((t: any) => t.last_message)).toEqual(['hi Bob']);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await api(h.server(), 'GET', `/api/v1/chat/threads/${ada}?limit=1&cursor=${first.body.nextCursor}`, { token: token.ada });
      expect(second.body).toEqual({ threads: [all.body.threads[1]], nextCursor: null });

      const atGrace = await api(h.server(), 'GET', `/api/v1/chat/threads/${grace}`, { token: token.grace });
      expect(atGrace.body.threads.map((t: any) => [t.last_message, t.unreadCount])).toEqual([['three', 2]]);
      expect((await api(h.server(), 'GET', `/api/v1/chat/threads/${bob}`, { token: token.bob })).body.threads).toHaveLength(1);
    });

    it('lists no threads for a user who has none', async () => {
      const [newcomer] = h.users('newcomer');
      const got = await api(h.server(), 'GET', `/api/v1/chat/threads/${newcomer}`, { token: await h.token(newcomer) });
      expect(got).toEqual({ status: 200, body: { threads: [], nextCursor: null } });
    });
  });

  describe('GET /api/v1/chat/chatHistory/:userid/:otherUserid', () => {
    it("pages through a pair's messages, newest first, with the receiver's delivery and read state", async () => {
      const { ada, grace, graceTab, token } = await conversations(h);
      graceTab.client.sendMedia({ messageid: 'c-5', senderid: grace, receiverid: ada, mimeType: 'image/png', file: FILES.png });
      const media = await graceTab.next<{ contentURL: string }>('newMedia');
      const path = `/api/v1/chat/chatHistory/${ada}/${grace}`;

      const first = await api(h.server(), 'GET', `${path}?limit=2`, { token: token.ada });
      expect(first.status).toBe(200);
      expect(first.body.messages).toEqual([
        { _id: expect.any(String), messageid: 'c-5', senderid: grace, receiverid: ada, message: '', contentType: 'image/png', contentURL: media.contentURL, createdAt: expect.any(String), delivered: true, seen: false },
        { _id: expect.any(String), messageid: 'c-3', senderid: grace, receiverid: ada, message: 'three', contentType: 'text', createdAt: expect.any(String), delivered: true, seen: false },
      ]);
      expect(first.body.nextBefore).toBe(first.body.messages[1]._id);
      const second = await api(h.server(), 'GET', `${path}?limit=2&before=${first.body.nextBefore}`, { token: token.ada });
      expect(second.body.messages.map((m: any) => [m.message, m.senderid])).toEqual([
        ['two', ada],
        ['one', ada],
      ]);
      expect(second.body.nextBefore).toBeNull();

      // The other participant reads the same history.
      const atGrace = await api(h.server(), 'GET', `/api/v1/chat/chatHistory/${grace}/${ada}`, { token: token.grace });
      expect(atGrace.body.messages).toHaveLength(4);
    });

    it('is empty for a pair without a thread', async () => {
      const [ada, stranger] = h.users('ada', 'stranger');
      const got = await api(h.server(), 'GET', `/api/v1/chat/chatHistory/${ada}/${stranger}`, { token: await h.token(ada) });
      expect(got).toEqual({ status: 200, body: { messages: [], nextBefore: null } });
    });
  });

  describe('PATCH /api/v1/chat/markAsRead', () => {
    it("marks the other user's messages read, answers the new count, and pushes it to the user's sockets", async () => {
      const { ada, grace, graceTab, token } = await conversations(h);
      const before = graceTab.payloads('unreadMessagesCount').length;
      const got = await api(h.server(), 'PATCH', '/api/v1/chat/markAsRead', { token: token.grace, body: { userid: grace, otheruserid: ada } });
      expect(got).toEqual({ status: 200, body: { count: 0, updated: true } });
      expect(await graceTab.next('unreadMessagesCount', before + 1)).toEqual({ count: 0 });
      const history = await api(h.server(), 'GET', `/api/v1/chat/chatHistory/${ada}/${grace}`, { token: token.ada });
      expect(history.body.messages.filter((m: any) => m.senderid === ada).map((m: any) => m.seen)).toEqual([true, true]);

      const again = await api(h.server(), 'PATCH', '/api/v1/chat/markAsRead', { token: token.grace, body: { userid: grace, otheruserid: ada } });
      expect(again.body).toEqual({ count: 0, updated: false });
    });
  });

  describe('GET /api/v1/chat/unreadCount/:userid', () => {
    it("answers the user's unread messages over all threads", async () => {
      const { ada, grace, bob, token } = await conversations(h);
      for (const [user, tok, count] of [[ada, token.ada, 1], [grace, token.grace, 2], [bob, token.bob, 1]] as const) {
        expect(await api(h.server(), 'GET', `/api/v1/chat/unreadCount/${user}`, { token: tok })).toEqual({ status: 200, body: { count } });
      }
    });
  });

  describe('refusals', () => {
    const cases: Array<[string, number, (u: { ada: string; grace: string; adaToken: string }) => [string, string, { token?: string; body?: unknown }]]> = [
      ['threads without a token', 401, ({ ada }) => ['GET', `/api/v1/chat/threads/${ada}`, {}]],
      ['threads with a bad token', 401, ({ ada }) => ['GET', `/api/v1/chat/threads/${ada}`, { token: 'x.y.z' }]],
      ["another user's threads", 403, ({ grace, adaToken }) => ['GET', `/api/v1/chat/threads/${grace}`, { token: adaToken }]],
      ['threads of a malformed user id', 400, ({ adaToken }) => ['GET', '/api/v1/chat/threads/not%20an%20id', { token: adaToken }]],
      ['threads with a bad limit', 400, ({ ada, adaToken }) => ['GET', `/api/v1/chat/threads/${ada}?limit=lots`, { token: adaToken }]],
      ['threads with a forged cursor', 400, ({ ada, adaToken }) => ['GET', `/api/v1/chat/threads/${ada}?cursor=forged`, { token: adaToken }]],
      ["another pair's history", 403, ({ ada, grace, adaToken }) => ['GET', `/api/v1/chat/chatHistory/${grace}/${ada}`, { token: adaToken }]],
      ['a history with oneself', 400, ({ ada, adaToken }) => ['GET', `/api/v1/chat/chatHistory/${ada}/${ada}`, { token: adaToken }]],
      ['a history before an unknown message', 400, ({ ada, grace, adaToken }) => ['GET', `/api/v1/chat/chatHistory/${ada}/${grace}?before=665f1c2e9b1e8a0012345678`, { token: adaToken }]],
      ['a history without a token', 401, ({ ada, grace }) => ['GET', `/api/v1/chat/chatHistory/${ada}/${grace}`, {}]],
      ["marking another user's messages read", 403, ({ ada, grace, adaToken }) => ['PATCH', '/api/v1/chat/markAsRead', { token: adaToken, body: { userid: grace, otheruserid: ada } }]],
      ['marking a thread that does not exist', 404, ({ ada, adaToken }) => ['PATCH', '/api/v1/chat/markAsRead', { token: adaToken, body: { userid: ada, otheruserid: 'nobody-at-all' } }]],
      ['marking with a body that is not JSON', 400, ({ adaToken }) => ['PATCH', '/api/v1/chat/markAsRead', { token: adaToken, body: '{oops' }]],
      ['marking without otheruserid', 400, ({ ada, adaToken }) => ['PATCH', '/api/v1/chat/markAsRead', { token: adaToken, body: { userid: ada } }]],
      ['marking without a token', 401, ({ ada, grace }) => ['PATCH', '/api/v1/chat/markAsRead', { body: { userid: ada, otheruserid: grace } }]],
      ["another user's unread count", 403, ({ grace, adaToken }) => ['GET', `/api/v1/chat/unreadCount/${grace}`, { token: adaToken }]],
      ['an unknown path', 404, ({ adaToken }) => ['GET', '/api/v1/chat/nothing', { token: adaToken }]],
      ['a wrong method', 405, ({ adaToken }) => ['POST', '/api/v1/chat/markAsRead', { token: adaToken, body: {} }]],
    ];

    it.each(cases)('refuses %s with %i', async (_name, status, request) => {
      const { ada, grace, token } = await conversations(h);
      const [method, path, options] = request({ ada, grace, adaToken: token.ada });
      const got = await api(h.server(), method, path, options);
      expect(got.status).toBe(status);
      expect(got.body).toEqual({ error: expect.any(String) });
    });
  });
});

describeEachBackend('messenger HTTP endpoints in trust mode', (backend) => {
  const h = useMessengerServer(backend, { authMode: 'trust' });

  it("takes the user the request names when it has no token, as the original clients' calls did", async () => {
    const [ada, grace] = h.users('ada', 'grace');
    const adaTab = await h.connectTrusted(ada);
    adaTab.client.sendMessage(text(ada, grace, 'hello'));
    await adaTab.next('newMessage');
    expect(await api(h.server(), 'GET', `/api/v1/chat/unreadCount/${grace}`)).toEqual({ status: 200, body: { count: 1 } });
    expect((await api(h.server(), 'GET', `/api/v1/chat/threads/${ada}`)).body.threads).toHaveLength(1);
    // A token, when there is one, is still what decides.
    expect((await api(h.server(), 'GET', `/api/v1/chat/threads/${ada}`, { token: await h.token(grace) })).status).toBe(403);
  });
});
