/**
 * Attachments: uploaded over authenticated HTTP (size limit, type checked against the content),
 * sent in a message by URL, which links the file to the room; then served to the room's members
 * only.
 */
import { expect, it } from 'vitest';
import type { Attachment, Message } from '../../generated/teamchat/types.js';
import { nextEvent } from '../helpers/net.js';
import { describeEachBackend } from '../storage/backends.js';
import { nextError, useTeamchat } from './harness.js';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4, 5, 6, 7, 8]);
const PDF = new TextEncoder().encode('%PDF-1.7\n%âãÏÓ\n');
const MAX_BYTES = 64 * 1024;

describeEachBackend('teamchat attachments', (backend) => {
  const t = useTeamchat(backend, { mediaMaxBytes: MAX_BYTES });

  async function upload(user: string | undefined, body: Uint8Array<ArrayBuffer>, contentType?: string, query = ''): Promise<Response> {
    const headers: Record<string, string> = {};
    if (user !== undefined) headers.authorization = `Bearer ${await t.server().token(user)}`;
    if (contentType !== undefined) headers['content-type'] = contentType;
    return fetch(`${t.server().url}/api/v1/media${query}`, { method: 'POST', headers, body });
  }

  async function download(user: string | undefined, url: string): Promise<Response> {
    const headers: Record<string, string> = {};
    if (user !== undefined) headers.authorization = `Bearer ${await t.server().token(user)}`;
    return fetch(url, { headers });
  }

  it('uploads a file and answers 201 with an attachment object the spec accepts', async () => {
    const ada = t.user('ada');
    const response = await upload(ada, PNG, 'image/png', '?name=screenshot.png');
    expect(response.status).toBe(201);
    const attachment = (await response.json()) as Attachment;
    expect(attachment).toEqual({
      url: expect.stringMatching(new RegExp(`^${t.server().url}/media/[0-9a-f]{24}$`)),
      mimeType: 'image/png',
      size: PNG.length,
      name: 'screenshot.png',
    });
    // Usable as is in a message.
    const room = await t.group(ada, [t.user('grace')]);
    const client = await t.connect(ada);
    const got = nextEvent<Message>(client.socket, 'message');
    client.sendMessage({
      room_id: room,
      sender_id: ada,
      message: 'Here is the screenshot',
      message_type: 'image',
      attachments: [attachment],
    });
    expect((await got).attachments).toEqual([attachment]);
  });

  it.each([
    ['no token', undefined, PNG, 'image/png', 401],
    ['a type that is not the content', 'ada', PDF, 'image/png', 400],
    ['an unsupported content', 'ada', new TextEncoder().encode('<html><script>alert(1)</script></html>'), 'text/html', 400],
    ['an empty body', 'ada', new Uint8Array(), 'image/png', 400],
    ['a multipart form', 'ada', PNG, 'multipart/form-data; boundary=x', 415],
    ['a body over the limit', 'ada', new Uint8Array(MAX_BYTES + 1).fill(0xff), 'image/jpeg', 413],
  ])('refuses an upload with %s', async (_name, user, body, type, status) => {
    const response = await upload(user === undefined ? undefined : t.user(user), body, type);
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error: expect.any(String) });
  });

  it('sniffs the type when none is declared', async () => {
    const response = await upload(t.user('ada'), PDF, 'application/octet-stream');
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ mimeType: 'application/pdf' });
  });

  it("serves a sent file to the room's members only", async () => {
    const [ada, grace, mallory] = [t.user('ada'), t.user('grace'), t.user('mallory')];
    const room = await t.group(ada, [grace]);
    const attachment = (await (await upload(ada, PNG, 'image/png')).json()) as Attachment;
    // Before it is sent, only its uploader may fetch it.
    expect((await download(ada, attachment.url)).status).toBe(200);
    expect((await download(grace, attachment.url)).status).toBe(403);

    const client = await t.connect(ada);
    const got = nextEvent(client.socket, 'message');
    client.sendMessage({ room_id: room, sender_id: ada, message: '', attachments: [attachment] });
    await got;

    const atGrace = await download(grace, attachment.url);
    expect(atGrace.status).toBe(200);
    expect(atGrace.headers.get('content-type')).toBe('image/png');
    expect(atGrace.headers.get('x-content-type-options')).toBe('nosniff');
    expect(atGrace.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(atGrace.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
    expect(new Uint8Array(await atGrace.arrayBuffer())).toEqual(PNG);
    expect((await download(mallory, attachment.url)).status).toBe(403);
    expect((await download(undefined, attachment.url)).status).toBe(401);
    expect((await download(grace, `${t.server().url}/media/000000000000000000000000`)).status).toBe(404);
    // The token may also travel in the URL, for an <img src>.
    expect((await fetch(`${attachment.url}?token=${await t.server().token(grace)}`)).status).toBe(200);
  });

  it.each([
    ["another user's upload", 'grace', 403],
    ['a file already sent in another room', 'ada-elsewhere', 400],
  ])('refuses to send %s, and stores nothing', async (_name, owner, status) => {
    const [ada, grace] = [t.user('ada'), t.user('grace')];
    const room = await t.group(ada, [grace]);
    const uploader = owner === 'grace' ? grace : ada;
    const attachment = (await (await upload(uploader, PNG, 'image/png')).json()) as Attachment;
    if (owner === 'ada-elsewhere') {
      const elsewhere = await t.group(ada, [t.user('alan')]);
      const client = await t.connect(ada);
      const got = nextEvent(client.socket, 'message');
      client.sendMessage({ room_id: elsewhere, sender_id: ada, message: '', attachments: [attachment] });
      await got;
    }
    const client = await t.connect(ada);
    const error = nextError(client);
    client.sendMessage({ room_id: room, sender_id: ada, message: 'look', attachments: [attachment] });
    expect(await error).toMatchObject({ event: 'sendMessage', statusCode: status });
    const core = t.server().core;
    expect((await core.history((await core.findUser('teamchat', ada))!.id, room)).items).toEqual([]);
  });
});
