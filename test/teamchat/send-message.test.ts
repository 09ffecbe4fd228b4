/**
 * `sendMessage`: stored first, then the stored message to every socket of every member of the
 * room (the sender's included), with replies, story replies, attachments and the recipients'
 * seen flags decided by the server.
 */
import { expect, it } from 'vitest';
import type { Message, SendMessagePayload } from '../../generated/teamchat/types.js';
import { nextEvent, waitFor } from '../helpers/net.js';
import { describeEachBackend } from '../storage/backends.js';
import { nextError, sendRaw, received, useTeamchat } from './harness.js';

describeEachBackend('teamchat sendMessage', (backend) => {
  const t = useTeamchat(backend);

  async function room3() {
    const [ada, grace, alan] = [t.user('ada'), t.user('grace'), t.user('alan')];
    const room = await t.group(ada, [grace, alan]);
    return { ada, grace, alan, room };
  }

  it('stores the message, then sends it to every socket of every member, the sender included', async () => {
    const { ada, grace, alan, room } = await room3();
    const [adaTab1, adaTab2, graceTab, alanTab] = await Promise.all([t.connect(ada), t.connect(ada), t.connect(grace), t.connect(alan)]);
    const stranger = await t.connect(t.user('mallory'));
    const got = [adaTab1, adaTab2, graceTab, alanTab].map((c) => nextEvent<Message>(c.socket, 'message'));
    adaTab1.sendMessage({ room_id: room, sender_id: ada, message: 'Can you see this message?', first_name: 'Ada', last_name: 'Lovelace' });
    const messages = await Promise.all(got);
    for (const m of messages) expect(m).toEqual(messages[0]);
    const message = messages[0]!;
    expect(message).toMatchObject({
      room_id: room,
      message: 'Can you see this message?',
      sender_id: ada,
      first_name: 'Ada',
      last_name: 'Lovelace',
      message_type: 'text',
      attachments: [],
    });
    expect(message.recipients).toEqual(
      expect.arrayContaining([
        { _id: grace, msg_seen: false },
        { _id: alan, msg_seen: false },
      ]),
    );
    expect(message.recipients).toHaveLength(2);
    const history = await t.server().core.history((await t.server().core.findUser('teamchat', ada))!.id, room);
    expect(history.items.map((m) => [m.id, m.text, m.createdAt.toISOString()])).toEqual([
      [message._id, message.message, message.dateCreated],
    ]);
    expect(received(stranger, 'message')).toEqual([]);
  });

  it("decides _id, dateCreated and recipients itself, ignoring the client's (the document's example)", async () => {
    const { ada, grace, alan, room } = await room3();
    const client = await t.connect(ada);
    const got = nextEvent<Message>(client.socket, 'message');
    client.sendMessage({
      message: 'Can you see this message?',
      room_id: room,
      recipients: [{ _id: ada, msg_seen: true }],
      isStoryReply: false,
      reply_message: {},
      message_type: '',
      attachments: [],
      sender_id: ada,
      first_name: 'Abdul',
      last_name: 'Poyilthodi Chathamparambil',
      dateCreated: '2024-05-15T07:19:36.621+00:00',
    });
    const message = await got;
    expect(message.dateCreated).not.toBe('2024-05-15T07:19:36.621Z');
    expect(Date.now() - Date.parse(message.dateCreated)).toBeLessThan(60_000);
    expect(message.recipients.map((r) => r._id).sort()).toEqual([grace, alan].sort());
    expect(message).toMatchObject({ isStoryReply: false, reply_message: {}, message_type: '' });
  });

  it.each<[string, Partial<SendMessagePayload>, Partial<Message>]>([
    [
      'a reply',
      { reply_message: { _id: 'aaaaaaaaaaaaaaaaaaaaaaaa', message: 'Can you see this message?', sender_id: 'someone' } },
      { reply_message: { _id: 'aaaaaaaaaaaaaaaaaaaaaaaa', message: 'Can you see this message?', sender_id: 'someone' } },
    ],
    ['a story reply', { isStoryReply: true, message: 'Nice story' }, { isStoryReply: true, message: 'Nice story' }],
    [
      'attachments from elsewhere',
      {
        message: '',
        message_type: 'image',
        attachments: [{ url: 'https://cdn.example.com/a.png', mimeType: 'image/png', size: 10, name: 'a.png' }],
      },
      {
        message: '',
        message_type: 'image',
        attachments: [{ url: 'https://cdn.example.com/a.png', mimeType: 'image/png', size: 10, name: 'a.png' }],
      },
    ],
    [
      'attachments without a message_type (implied by the first)',
      { attachments: [{ url: 'https://cdn.example.com/v.mp4', mimeType: 'video/mp4' }] },
      { message_type: 'video' },
    ],
    ['an empty text without attachments', { message: '' }, { message: '', message_type: 'text', attachments: [] }],
  ])('sends %s as stored, to every member', async (_name, extra, want) => {
    const { ada, grace, room } = await room3();
    const [adaClient, graceClient] = await Promise.all([t.connect(ada), t.connect(grace)]);
    const atGrace = nextEvent<Message>(graceClient.socket, 'message');
    const atAda = nextEvent<Message>(adaClient.socket, 'message');
    adaClient.sendMessage({ room_id: room, sender_id: ada, message: 'hello', ...extra });
    const message = await atGrace;
    expect(message).toMatchObject(want);
    expect(await atAda).toEqual(message);
    const core = t.server().core;
    const stored = await core.getMessage((await core.findUser('teamchat', ada))!.id, message._id);
    if (extra.reply_message?._id) expect(stored.replyTo).toBe(extra.reply_message._id);
  });

  it('keeps messages of one sender in the order sent', async () => {
    const { ada, grace, room } = await room3();
    const [adaClient, graceClient] = await Promise.all([t.connect(ada), t.connect(grace)]);
    for (let i = 0; i < 20; i++) adaClient.sendMessage({ room_id: room, sender_id: ada, message: `m${i}` });
    await waitFor(() => received(graceClient, 'message').length === 20, '20 messages');
    expect(received(graceClient, 'message').map((m) => (m as Message).message)).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
  });

  it.each([
    ['an unknown room', 'no-such-room', 404],
    ['a room the sender is not in', 'other', 403],
  ])('refuses %s, stores nothing and sends nothing', async (_name, which, status) => {
    const { ada, grace, room } = await room3();
    const other = await t.group(grace, [t.user('alan')]);
    const roomId = which === 'other' ? other : which;
    const [adaClient, graceClient] = await Promise.all([t.connect(ada), t.connect(grace)]);
    const error = nextError(adaClient);
    adaClient.sendMessage({ room_id: roomId, sender_id: ada, message: 'hello' });
    expect(await error).toMatchObject({ event: 'sendMessage', statusCode: status, field: 'room_id' });
    // The next message is the only one grace gets.
    adaClient.sendMessage({ room_id: room, sender_id: ada, message: 'after' });
    await waitFor(() => received(graceClient, 'message').length === 1, 'the next message');
    expect(received(graceClient, 'message')).toMatchObject([{ message: 'after' }]);
    if (which === 'other')
      expect((await t.server().core.history((await t.server().core.findUser('teamchat', grace))!.id, other)).items).toEqual([]);
  });

  it.each([
    ['a missing room_id', { sender_id: 'x', message: 'hi' }, 'room_id'],
    ['an unknown field', { room_id: 'r', sender_id: 'x', message: 'hi', color: 'red' }, 'color'],
    ['an over-long text', { room_id: 'r', sender_id: 'x', message: 'x'.repeat(5001) }, 'message'],
    [
      'an attachment that is not a URL',
      { room_id: 'r', sender_id: 'x', message: '', attachments: [{ url: 'not a url', mimeType: 'image/png' }] },
      'attachments.0.url',
    ],
    [
      'eleven attachments',
      {
        room_id: 'r',
        sender_id: 'x',
        message: '',
        attachments: Array.from({ length: 11 }, () => ({ url: 'https://a.example/x', mimeType: 'image/png' })),
      },
      'attachments',
    ],
  ])('answers %s with 400 naming the field, and keeps the socket', async (_name, payload, field) => {
    const ada = t.user('ada');
    const client = await t.connect(ada);
    const error = nextError(client);
    sendRaw(client, 'sendMessage', { ...payload, ...('sender_id' in payload ? { sender_id: ada } : {}) });
    expect(await error).toMatchObject({ event: 'sendMessage', statusCode: 400, field });
    expect(client.socket.connected).toBe(true);
  });
});
