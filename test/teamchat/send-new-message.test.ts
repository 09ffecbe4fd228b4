/**
 * `sendNewMessage`: a first message creates the peer-to-peer room; each other member of the room
 * gets the stored message as the event named by their own id, on their own sockets only (a
 * third connected user receives nothing); the sender's sockets get it as `message`.
 */
import { expect, it } from 'vitest';
import type { Message, Room, SendNewMessagePayload } from '../../generated/teamchat/types.js';
import { nextEvent, waitFor } from '../helpers/net.js';
import { describeEachBackend } from '../storage/backends.js';
import { nextError, sendRaw, type Client, useTeamchat } from './harness.js';

function draft(sender: string, recipient: string, extra: Partial<SendNewMessagePayload['message']> = {}): SendNewMessagePayload {
  return {
    type: 'peer-to-peer',
    recipient_id: [recipient],
    message: { sender_id: sender, message: 'Hello', message_type: 'text', attachments: [], ...extra },
  };
}

describeEachBackend('teamchat sendNewMessage', (backend) => {
  const t = useTeamchat(backend);

  /** Every event a client got, except its own `connectRooms` answers. */
  const eventsOf = (client: Client) => client.log.filter((e) => e.event !== 'connectRooms');

  it("creates the peer-to-peer room and delivers the event named by the recipient's id to the recipient only", async () => {
    const [ada, grace, alan] = [t.user('ada'), t.user('grace'), t.user('alan')];
    const [adaTab1, adaTab2, graceTab1, graceTab2, alanClient] = await Promise.all([
      t.connect(ada),
      t.connect(ada),
      t.connect(grace),
      t.connect(grace),
      t.connect(alan),
    ]);
    const atGrace = [graceTab1, graceTab2].map((c) => nextEvent<Message>(c.socket, grace));
    const atAda = [adaTab1, adaTab2].map((c) => nextEvent<Message>(c.socket, 'message'));
    adaTab1.sendNewMessage(draft(ada, grace, { first_name: 'Ada' }));
    const [message, again] = (await Promise.all(atGrace)) as [Message, Message];
    expect(again).toEqual(message);
    expect(message).toMatchObject({
      message: 'Hello',
      sender_id: ada,
      first_name: 'Ada',
      message_type: 'text',
      recipients: [{ _id: grace, msg_seen: false }],
    });
    for (const p of atAda) expect(await p).toEqual(message);

    // The room exists now, for both of them.
    const rooms = nextEvent<Room[]>(graceTab1.socket, 'connectRooms');
    graceTab1.connectRooms({ user_id: grace });
    expect(await rooms).toMatchObject([{ _id: message.room_id, type: 'peer-to-peer' }]);

    // A third user, connected all along, got nothing; nor did grace get anything under another name.
    const marker = nextEvent(alanClient.socket, 'typing');
    const alanRoom = await t.group(alan, [t.user('x')]);
    alanClient.typing({ room_id: alanRoom, message: 'sync' });
    await marker;
    expect(eventsOf(alanClient).map((e) => e.event)).toEqual(['typing']);
    expect(eventsOf(graceTab2).map((e) => e.event)).toEqual([grace]);
    expect(eventsOf(adaTab2).map((e) => e.event)).toEqual(['message']);
  });

  it("reuses the pair's room for later messages, whoever starts", async () => {
    const [ada, grace] = [t.user('ada'), t.user('grace')];
    const [adaClient, graceClient] = await Promise.all([t.connect(ada), t.connect(grace)]);
    const first = nextEvent<Message>(graceClient.socket, grace);
    adaClient.sendNewMessage(draft(ada, grace));
    const second = nextEvent<Message>(adaClient.socket, ada);
    graceClient.sendNewMessage(draft(grace, ada, { message: 'Hi back' }));
    expect((await second).room_id).toBe((await first).room_id);
  });

  it("accepts the document's example (an empty text, placeholder recipients, names not stored)", async () => {
    const [ada, grace] = [t.user('ada'), t.user('grace')];
    const [adaClient, graceClient] = await Promise.all([t.connect(ada), t.connect(grace)]);
    const got = nextEvent<Message>(graceClient.socket, grace);
    adaClient.sendNewMessage({
      room_name: 'Amazing group',
      type: 'peer-to-peer',
      recipient_id: [grace],
      user_name: 'Bharat Subbaraman',
      image_url: 'https://nathanhrerp.s3.eu-central-1.amazonaws.com/users/Bharat-Subbaraman/Bharat-Subbaraman.webp',
      message: {
        _id: '63cfbfc722c59b536467f03c',
        message: '',
        recipients: [{ _id: '', msg_seen: '' }],
        message_type: 'text',
        attachments: [],
        sender_id: ada,
        first_name: 'Abdul',
        last_name: 'Poyilthodi Chathamparambil',
      },
    });
    const message = await got;
    expect(message).toMatchObject({ message: '', message_type: 'text', attachments: [], first_name: 'Abdul' });
    expect(message._id).not.toBe('63cfbfc722c59b536467f03c');
  });

  it('is idempotent on message._id: a retry stores once and repeats the same emits', async () => {
    const [ada, grace] = [t.user('ada'), t.user('grace')];
    const [adaClient, graceClient] = await Promise.all([t.connect(ada), t.connect(grace)]);
    const payload = draft(ada, grace, { _id: 'client-1' });
    adaClient.sendNewMessage(payload);
    adaClient.sendNewMessage(payload);
    await waitFor(() => graceClient.log.filter((e) => e.event === grace).length === 2, 'two copies');
    const [a, b] = graceClient.log.filter((e) => e.event === grace).map((e) => e.payload as Message);
    expect(b).toEqual(a);
    const core = t.server().core;
    expect((await core.history((await core.findUser('teamchat', ada))!.id, a!.room_id)).items).toHaveLength(1);
  });

  it('sends to an existing group by message.room_id: each other member gets their own event, the sender `message`', async () => {
    const [ada, grace, alan, outsider] = [t.user('ada'), t.user('grace'), t.user('alan'), t.user('outsider')];
    const room = await t.group(ada, [grace, alan]);
    const clients = await Promise.all([t.connect(ada), t.connect(grace), t.connect(alan), t.connect(outsider)]);
    const [adaClient, graceClient, alanClient, outsiderClient] = clients;
    const got = [
      nextEvent<Message>(graceClient!.socket, grace),
      nextEvent<Message>(alanClient!.socket, alan),
      nextEvent<Message>(adaClient!.socket, 'message'),
    ];
    // The request also names a non-member: they get nothing.
    adaClient!.sendNewMessage({
      type: 'group-chat',
      recipient_id: [grace, outsider],
      message: { room_id: room, sender_id: ada, message: 'To the team' },
    });
    const [g, a, self] = await Promise.all(got);
    expect(g).toEqual(a);
    expect(self).toEqual(g);
    expect(g!.room_id).toBe(room);
    expect(eventsOf(graceClient!).map((e) => e.event)).toEqual([grace]);
    expect(eventsOf(alanClient!).map((e) => e.event)).toEqual([alan]);
    expect(eventsOf(outsiderClient!)).toEqual([]);
  });

  it.each<[string, (ids: { ada: string; grace: string; room: string }) => SendNewMessagePayload, number, string]>([
    ['a message to oneself', ({ ada }) => draft(ada, ada), 400, 'recipient_id.0'],
    [
      'a room the sender is not in',
      ({ ada, room }) => ({ type: 'group-chat', recipient_id: [ada], message: { room_id: room, sender_id: ada, message: 'hi' } }),
      403,
      'message.room_id',
    ],
    [
      'an unknown room',
      ({ ada, grace }) => ({
        type: 'group-chat',
        recipient_id: [grace],
        message: { room_id: 'no-such-room', sender_id: ada, message: 'hi' },
      }),
      404,
      'message.room_id',
    ],
    ['a recipient whose id is an event name', ({ ada }) => draft(ada, 'typing'), 400, 'recipient_id.0'],
    [
      'a group-chat without room_id',
      ({ ada, grace }) => ({ type: 'group-chat', recipient_id: [grace], message: { sender_id: ada, message: 'hi' } }),
      400,
      'message.room_id',
    ],
    [
      'two recipients without room_id',
      ({ ada, grace }) => ({ type: 'peer-to-peer', recipient_id: [grace, 'alan'], message: { sender_id: ada, message: 'hi' } }),
      400,
      'recipient_id',
    ],
  ])('refuses %s', async (_name, make, status, field) => {
    const [ada, grace] = [t.user('ada'), t.user('grace')];
    const room = await t.group(grace, [t.user('alan')]);
    const client = await t.connect(ada);
    const error = nextError(client);
    sendRaw(client, 'sendNewMessage', make({ ada, grace, room }));
    expect(await error).toMatchObject({ event: 'sendNewMessage', statusCode: status, field });
  });
});
