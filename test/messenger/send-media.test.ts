/**
 * `sendMedia`: the file is checked (size, type sniffed against `mimeType`), stored, announced
 * with the `sendMessage` sequence and `newMedia`, and served at `contentURL` to the two
 * participants only.
 */
import { describe, expect, it } from 'vitest';
import { describeEachBackend } from '../storage/backends.js';
import { FILES, useMessengerServer } from './harness.js';

const MAX_BYTES = 4096;

function media(from: string, to: string, file: Buffer, mimeType: 'image/png' | 'application/pdf' | 'image/jpeg' = 'image/png', messageid = `c-${Math.random().toString(16).slice(2)}`) {
  return { messageid, senderid: from, receiverid: to, mimeType, file };
}

async function fetchMedia(url: string, options: { token?: string; query?: string } = {}) {
  const response = await fetch(options.query === undefined ? url : `${url}?${options.query}`, {
    headers: options.token === undefined ? {} : { authorization: `Bearer ${options.token}` },
  });
  return { status: response.status, type: response.headers.get('content-type'), bytes: Buffer.from(await response.arrayBuffer()) };
}

describeEachBackend('messenger sendMedia', (backend) => {
  const h = useMessengerServer(backend, { mediaMaxBytes: MAX_BYTES });

  describe('a file sent', () => {
    it('follows the sendMessage sequence with newMedia, and serves the bytes to both participants', async () => {
      const [ada, grace] = h.users('ada', 'grace');
      const adaTab = await h.connect(ada, { name: 'Ada' });
      const graceTab = await h.connect(grace);
      adaTab.client.sendMedia(media(ada, grace, FILES.png, 'image/png', 'c-png'));
      const item = await adaTab.next<{ contentURL: string }>('newMedia');
      await graceTab.next('unreadMessagesCount');

      expect(adaTab.events()).toEqual(['deliveredMessage', 'newThread', 'newMedia']);
      expect(graceTab.events()).toEqual(['newThread', 'newMedia', 'unreadMessagesCount']);
      expect(item).toEqual({
        _id: expect.stringMatching(/^[0-9a-f]{24}$/),
        messageid: 'c-png',
        senderid: ada,
        receiverid: grace,
        contentType: 'image/png',
        contentURL: expect.stringMatching(new RegExp(`^${h.server().url}/media/[0-9a-f]{24}$`)),
        createdAt: expect.any(String),
      });
      expect(graceTab.payloads('newMedia')).toEqual([item]);
      expect(adaTab.payloads('newThread')[0]).toMatchObject({ last_message: '', contentType: 'image/png', last_message_sender_id: ada });

      for (const user of [ada, grace]) {
        const got = await fetchMedia(item.contentURL, { token: await h.token(user) });
        expect(got).toEqual({ status: 200, type: 'image/png', bytes: FILES.png });
      }
    });

    it('serves it sandboxed, never sniffed, and cached privately for good (ids are immutable content)', async () => {
      const [ada, grace] = h.users('ada', 'grace');
      const adaTab = await h.connect(ada);
      adaTab.client.sendMedia(media(ada, grace, FILES.png));
      const item = await adaTab.next<{ contentURL: string }>('newMedia');
      const response = await fetch(item.contentURL, { headers: { authorization: `Bearer ${await h.token(grace)}` } });
      expect(response.status).toBe(200);
      const names = ['content-security-policy', 'x-content-type-options', 'content-disposition', 'cache-control', 'vary'];
      expect(Object.fromEntries(names.map((name) => [name, response.headers.get(name)]))).toEqual({
        'content-security-policy': "default-src 'none'; sandbox",
        'x-content-type-options': 'nosniff',
        'content-disposition': 'inline',
        'cache-control': 'private, max-age=31536000, immutable',
        vary: 'authorization',
      });
      await response.arrayBuffer();
    });

    it('accepts the token in the query string, for an <img src>', async () => {
      const [ada, grace] = h.users('ada', 'grace');
      const adaTab = await h.connect(ada);
      adaTab.client.sendMedia(media(ada, grace, FILES.pdf, 'application/pdf'));
      const item = await adaTab.next<{ contentURL: string }>('newMedia');
      const got = await fetchMedia(item.contentURL, { query: `token=${await h.token(grace)}` });
      expect(got).toMatchObject({ status: 200, type: 'application/pdf' });
    });

    it.each([
      ['without a credential', async () => ({}), 401],
      ['with a bad token', async () => ({ token: 'not-a-jwt' }), 401],
      ['to a third user', async (eve: string) => ({ token: await h.token(eve) }), 403],
    ])('refuses the file %s', async (_name, credential, status) => {
      const [ada, grace, eve] = h.users('ada', 'grace', 'eve');
      const adaTab = await h.connect(ada);
      adaTab.client.sendMedia(media(ada, grace, FILES.png));
      const item = await adaTab.next<{ contentURL: string }>('newMedia');
      const got = await fetchMedia(item.contentURL, await credential(eve));
      expect(got.status).toBe(status);
      expect(got.bytes.includes(FILES.png)).toBe(false);
    });

    it('answers 404 for a file that does not exist', async () => {
      const [ada] = h.users('ada');
      const token = await h.token(ada);
      for (const id of ['665f1c2e9b1e8a0012345678', 'x'.repeat(100), '..%2F..%2Fetc%2Fpasswd']) {
        expect((await fetchMedia(`${h.server().url}/media/${id}`, { token })).status).toBe(404);
      }
    });
  });

  describe('a file refused', () => {
    it.each([
      ['over the size limit', FILES.png.length > MAX_BYTES ? FILES.png : Buffer.concat([FILES.png, Buffer.alloc(MAX_BYTES)]), 'image/png', { statusCode: 413, field: 'file' }],
      ['whose content is not its declared type', FILES.pdf, 'image/png', { statusCode: 400, field: 'mimeType' }],
      ['of a type the server does not take', FILES.html, 'image/jpeg', { statusCode: 400, field: 'file' }],
      ['that is empty', Buffer.alloc(0), 'image/png', { statusCode: 400, field: 'file' }],
    ] as const)('refuses a file %s; no thread or message is left behind', async (_name, file, mimeType, want) => {
      const [ada, grace] = h.users('ada', 'grace');
      const adaTab = await h.connect(ada);
      adaTab.client.sendMedia(media(ada, grace, file as Buffer, mimeType));
      expect(await adaTab.next('error')).toMatchObject({ event: 'sendMedia', ...want });
      expect((await h.server().core.listConversations(await h.internalId(ada))).items).toEqual([]);
      // The socket is still usable.
      adaTab.client.sendMedia(media(ada, grace, FILES.png));
      await adaTab.next('newMedia');
    });

    // Not bytes at all is a payload that does not fit its schema (400); 413 is only for bytes over maxBytes.
    it.each([
      ['null', null],
      ['a number', 42],
      ['a string', 'aGVsbG8='],
      ['an object', { type: 'Buffer', data: [1, 2, 3] }],
    ])('answers 400, not 413, for a file that is %s', async (_name, file) => {
      const [ada, grace] = h.users('ada', 'grace');
      const adaTab = await h.connect(ada);
      adaTab.raw('sendMedia', { ...media(ada, grace, FILES.png), file });
      expect(await adaTab.next('error')).toMatchObject({ event: 'sendMedia', statusCode: 400, field: 'file', message: 'file must be binary data' });
    });

    it('refuses a mimeType outside the spec before looking at the bytes', async () => {
      const [ada, grace] = h.users('ada', 'grace');
      const adaTab = await h.connect(ada);
      adaTab.raw('sendMedia', { ...media(ada, grace, FILES.html), mimeType: 'text/html' });
      expect(await adaTab.next('error')).toMatchObject({ event: 'sendMedia', statusCode: 400, field: 'mimeType' });
    });
  });
});
