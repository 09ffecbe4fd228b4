/**
 * Only participants reach a room: every room event from a non-member is refused with 403 (404
 * for a room that does not exist), changes nothing, and reaches no member.
 */
import { expect, it } from 'vitest';
import type { ClientToServerEvents, Message } from '../../generated/teamchat/types.js';
import { nextEvent } from '../helpers/net.js';
import { describeEachBackend } from '../storage/backends.js';
import { nextError, sendRaw, useTeamchat } from './harness.js';

type Event = keyof ClientToServerEvents;
type Make = (ids: { mallory: string; room: string; message: string }) => unknown;

const EVENTS: [Event, Make][] = [
  ['sendMessage', ({ mallory, room }) => ({ room_id: room, sender_id: mallory, message: 'hi' })],
  ['typing', ({ room }) => ({ room_id: room, message: 'typing' })],
  [
    'sendNewMessage',
    ({ mallory, room }) => ({ type: 'group-chat', recipient_id: ['x'], message: { room_id: room, sender_id: mallory, message: 'hi' } }),
  ],
  ['deleteMessage', ({ mallory, room, message }) => ({ message_id: message, user_id: mallory, room_id: room })],
  ['editMessage', ({ mallory, room, message }) => ({ message_id: message, message: 'x', user_id: mallory, room_id: room })],
  ['messageSeen', ({ room, message }) => ({ message_id: message, room_id: room })],
  ['pinMessage', ({ room, message }) => ({ _id: message, room_id: room, pin_message: true })],
];

describeEachBackend('teamchat rooms are for their members', (backend) => {
  const t = useTeamchat(backend);

  async function setup() {
    const [ada, grace, mallory] = [t.user('ada'), t.user('grace'), t.user('mallory')];
    const room = await t.group(ada, [grace]);
    const [adaClient, graceClient, malloryClient] = await Promise.all([t.connect(ada), t.connect(grace), t.connect(mallory)]);
    const got = nextEvent<Message>(graceClient.socket, 'message');
    adaClient.sendMessage({ room_id: room, sender_id: ada, message: 'private' });
    const message = await got;
    return { ada, grace, mallory, room, adaClient, graceClient, malloryClient, message };
  }

  it.each(EVENTS)('refuses %s from a non-member with 403, and the room hears nothing', async (event, make) => {
    const { ada, mallory, room, adaClient, graceClient, malloryClient, message } = await setup();
    const before = graceClient.log.length;
    const error = nextError(malloryClient);
    sendRaw(malloryClient, event, make({ mallory, room, message: message._id }));
    expect(await error).toMatchObject({ event, statusCode: 403 });
    // A marker from a member: once it arrives, anything the refused event caused would have too.
    const marker = nextEvent(graceClient.socket, 'typing');
    adaClient.typing({ room_id: room, message: 'marker' });
    await marker;
    expect(graceClient.log.slice(before).map((e) => e.event)).toEqual(['typing']);
    const core = t.server().core;
    const stored = await core.getMessage((await core.findUser('teamchat', ada))!.id, message._id);
    expect([stored.text, stored.deletedAt, stored.editedAt, stored.pinned]).toEqual(['private', null, null, false]);
    expect((await core.history((await core.findUser('teamchat', ada))!.id, room)).items).toHaveLength(1);
    expect(await core.unreadCount((await core.findUser('teamchat', ada))!.id, room)).toBe(0);
  });

  it.each(EVENTS)('answers %s to a room that does not exist with 404', async (event, make) => {
    const mallory = t.user('mallory');
    const client = await t.connect(mallory);
    const error = nextError(client);
    sendRaw(client, event, make({ mallory, room: 'no-such-room', message: 'no-such-message' }));
    expect(await error).toMatchObject({ event, statusCode: 404 });
  });
});
