/**
 * Who may connect, and as whom: a JWT (`sub`) by default, the original clients' `auth.userid`
 * in trust mode only; identity fields of every payload must be the connected user.
 */
import { describe, expect, it } from 'vitest';
import { connectMessenger } from '../../generated/messenger/client.js';
import { describeEachBackend } from '../storage/backends.js';
import { FILES, text, useMessengerServer } from './harness.js';

function refused(url: string, auth: { token: string } | { userid: string }) {
  const client = connectMessenger(url, { auth, socket: { transports: ['websocket'], reconnection: false } });
  return client.ready().finally(() => client.close());
}

describeEachBackend('messenger handshake and identity', (backend) => {
  describe('JWT mode', () => {
    const h = useMessengerServer(backend);

    it('accepts a valid token and records its user', async () => {
      const [ada] = h.users('ada');
      await h.connect(ada, { name: 'Ada' });
      expect(await h.server().core.findUser('messenger', ada)).toMatchObject({ externalId: ada, name: 'Ada' });
    });

    it.each([
      ['no token', { token: '' }],
      ['a malformed token', { token: 'not.a.jwt' }],
      ['a token signed with another key', { token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1LWFkYSJ9.c2lnbmF0dXJlLW5vdC12YWxpZA' }],
      ["the original clients' auth.userid", { userid: 'u-ada' }],
    ])('refuses %s with connect_error 401', async (_name, auth) => {
      await expect(refused(h.server().url, auth as never)).rejects.toMatchObject({ data: { status: 401 } });
    });

    it.each([
      ['sendMessage', (me: string, other: string) => text(other, me, 'spoofed'), 'senderid'],
      ['sendMedia', (me: string, other: string) => ({ messageid: 'c-1', senderid: other, receiverid: me, mimeType: 'image/png', file: FILES.png }), 'senderid'],
      ['deleteMessage', (me: string, other: string) => ({ chatid: '665f1c2e9b1e8a0012345678', senderid: other, receiverid: me }), 'senderid'],
      ['seeMessage', (me: string, other: string) => ({ senderid: me, userid: other }), 'userid'],
    ])('refuses %s naming another user as the actor (403), and the socket stays up', async (event, payload, field) => {
      const [ada, grace] = h.users('ada', 'grace');
      const adaTab = await h.connect(ada);
      adaTab.raw(event, payload(ada, grace));
      expect(await adaTab.next('error')).toMatchObject({ event, statusCode: 403, field });
      expect(adaTab.client.socket.connected).toBe(true);
    });

    it.each([
      ['an unknown event', 'hello', { x: 1 }, { statusCode: 400 }],
      ['a payload that is not an object', 'sendMessage', 'hello', { statusCode: 400 }],
      ['a missing field', 'seeMessage', {}, { statusCode: 400, field: 'senderid' }],
    ])('answers %s with the error event', async (_name, event, payload, want) => {
      const [ada] = h.users('ada');
      const adaTab = await h.connect(ada);
      adaTab.raw(event, payload);
      expect(await adaTab.next('error')).toMatchObject({ event, ...want });
    });
  });

  describe('trust mode', () => {
    const h = useMessengerServer(backend, { authMode: 'trust' });

    it("takes the user from auth.userid, and the payloads' identity fields must still match it", async () => {
      const [ada, grace] = h.users('ada', 'grace');
      const adaTab = await h.connectTrusted(ada);
      const graceTab = await h.connectTrusted(grace);
      adaTab.client.sendMessage(text(ada, grace, 'hello'));
      expect(await graceTab.next('newMessage')).toMatchObject({ senderid: ada, message: 'hello' });
      adaTab.client.sendMessage(text(grace, ada, 'spoofed'));
      expect(await adaTab.next('error')).toMatchObject({ statusCode: 403, field: 'senderid' });
    });

    it('still accepts tokens', async () => {
      const [ada] = h.users('ada');
      await h.connect(ada, { name: 'Ada' });
      expect(await h.server().core.findUser('messenger', ada)).toMatchObject({ name: 'Ada' });
    });

    it.each([
      ['no credential', { userid: '' }],
      ['an id that is not a user id', { userid: 'ada lovelace<script>' }],
      ['an over-long id', { userid: 'a'.repeat(65) }],
    ])('refuses %s with connect_error 401', async (_name, auth) => {
      await expect(refused(h.server().url, auth)).rejects.toMatchObject({ data: { status: 401 } });
    });
  });
});
