/**
 * Media: the authenticated upload endpoint, files attached to messages by id
 * (`messageMedias`), and serving them to the chat's two users only.
 */
import { expect, it } from 'vitest';
import type * as T from '../../generated/marketplace/types.js';
import { describeEachBackend } from '../storage/backends.js';
import { named, newProduct, received, useMarketplace, type Marketplace } from './harness.js';

const MAX_BYTES = 4096;
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 1, 2, 3, 4]);
const PDF = new TextEncoder().encode('%PDF-1.4\n% a tiny pdf\n');

function upload(m: Marketplace, token: string | undefined, body: Uint8Array<ArrayBuffer>, contentType = 'image/png'): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  return fetch(`${m.url}/api/v1/chat/media`, { method: 'POST', headers, body });
}

async function uploaded(m: Marketplace, token: string, body: Uint8Array<ArrayBuffer> = PNG, contentType?: string): Promise<T.Media> {
  const response = await upload(m, token, body, contentType);
  expect(response.status).toBe(201);
  return (await response.json()) as T.Media;
}

const get = (url: string, token?: string) => fetch(url, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });

describeEachBackend('marketplace media', (backend) => {
  const m = useMarketplace(backend, { mediaMaxBytes: MAX_BYTES });

  it('uploads a file (raw body, Content-Type, Bearer token) and answers 201 with the spec’s Media', async () => {
    const ada = await m.user('customer');
    const media = await uploaded(m, ada.token);
    expect(media).toEqual({ id: expect.stringMatching(/^[0-9a-f]{24}$/), imageUrl: `${m.url}/media/${media.id}`, size: String(PNG.byteLength), mimeType: 'image/png' });
    // No declared type: the content decides.
    expect(await uploaded(m, ada.token, PDF, 'application/octet-stream')).toMatchObject({ mimeType: 'application/pdf' });
    // The uploader may fetch it before sending it.
    const response = await get(media.imageUrl, ada.token);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(response.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(PNG);
  });

  it.each([
    ['no token', async () => undefined, PNG, 'image/png', 401],
    ['a bad token', async () => 'not-a-jwt', PNG, 'image/png', 401],
    ['an admin', async (m: Marketplace) => (await m.user('admin')).token, PNG, 'image/png', 403],
    ['a type the content is not', async (m: Marketplace) => (await m.user('vendor')).token, PDF, 'image/png', 400],
    ['content of no supported type', async (m: Marketplace) => (await m.user('vendor')).token, new TextEncoder().encode('<html>'), 'text/html', 400],
    ['an empty body', async (m: Marketplace) => (await m.user('vendor')).token, new Uint8Array(), 'image/png', 400],
    ['a file over the size limit', async (m: Marketplace) => (await m.user('vendor')).token, new Uint8Array([...PNG, ...new Uint8Array(MAX_BYTES)]), 'image/png', 413],
    ['a multipart body', async (m: Marketplace) => (await m.user('vendor')).token, PNG, 'multipart/form-data; boundary=x', 415],
  ] as const)('refuses an upload with %s', async (_name, token, body, contentType, status) => {
    const response = await upload(m, await token(m), body, contentType);
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error: expect.any(String) });
  });

  it('attaches uploaded files to a message; both users get them and may fetch them, nobody else', async () => {
    const customer = await m.online(await m.user('customer'));
    const vendor = await m.online(await m.user('vendor'));
    const stranger = await m.user('customer');
    const picture = await uploaded(m, customer.user.token);
    const receipt = await uploaded(m, customer.user.token, PDF, 'application/pdf');
    // A client may send back the objects the upload returned.
    const sent = await m.send(customer, vendor.user, newProduct(), 'Here is the receipt.', { messageMedias: [picture, { id: receipt.id }] });
    expect(sent.messageMedias).toEqual([picture, receipt]);
    const newChat = await received<T.NewChatPayload>(vendor.chat.log, 'newChat');
    expect(newChat.message.messages[0]!.messageMedias).toEqual([picture, receipt]);

    expect((await get(picture.imageUrl, vendor.user.token)).status).toBe(200);
    expect((await get(`${receipt.imageUrl}?token=${encodeURIComponent(vendor.user.token)}`)).status).toBe(200);
    expect((await get(picture.imageUrl, stranger.token)).status).toBe(403);
    expect((await get(picture.imageUrl)).status).toBe(401);
    expect((await get(`${m.url}/media/0123456789abcdef01234567`, vendor.user.token)).status).toBe(404);
    const { userChats } = await m.openChat(vendor.user);
    expect(userChats.data[0]!.messages[0]!.messageMedias).toEqual([picture, receipt]);
  });

  it('refuses files that are unknown (404), another user’s (403) or sent in another chat (400), creating no chat', async () => {
    const customer = await m.online(await m.user('customer'));
    const vendor = await m.online(await m.user('vendor'));
    const theirs = await uploaded(m, vendor.user.token);
    const mine = await uploaded(m, customer.user.token);
    const fresh = await uploaded(m, customer.user.token, PDF, 'application/pdf');
    await m.send(customer, vendor.user, newProduct(), 'with my picture', { messageMedias: [{ id: mine.id }] });
    const cases: [T.MediaReference[], number, string][] = [
      [[{ id: 'no-such-file' }], 404, 'messageMedias.0.id'],
      [[{ id: fresh.id }, { id: theirs.id }], 403, 'messageMedias.1.id'],
      [[{ id: mine.id }], 400, 'messageMedias.0.id'],
    ];
    for (const [messageMedias, status, field] of cases) {
      const before = customer.chat.log.length;
      customer.chat.client.sendMessage({ productId: newProduct(), recipientId: vendor.user.id, text: 'refused', messageMedias });
      expect(await m.appError(customer.chat, before)).toMatchObject({ statusCode: status, data: { event: 'sendMessage', field } });
    }
    await m.settle(vendor.chat);
    expect(named(vendor.chat.log, 'newChat')).toHaveLength(1);
    const { userChats } = await m.openChat(customer.user);
    expect(userChats.data).toHaveLength(1);
  });
});
