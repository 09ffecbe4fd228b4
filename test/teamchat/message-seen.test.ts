/**
 * `messageSeen`: every member is told who saw which message; the viewer's read state moves, and
 * the recipients' `msg_seen` flags come from it.
 */
import { expect, it } from 'vitest';
import type { Message, MessageSeen } from '../../generated/teamchat/types.js';
import { nextEvent, waitFor } from '../helpers/net.js';
import { describeEachBackend } from '../storage/backends.js';
import { nextError, useTeamchat } from './harness.js';

describeEachBackend('teamchat messageSeen', (backend) => {
  const t = useTeamchat(backend);
  const core = () => t.server().core;
  const idOf = async (user: string) => (await core().findUser('teamchat', user))!.id;

  it("tells every member, and marks the message (and, with the core's watermark, the earlier ones) read", async () => {
    const [ada, grace, alan] = [t.user('ada'), t.user('grace'), t.user('alan')];
    const room = await t.group(ada, [grace, alan]);
    const [adaClient, graceClient, alanClient] = await Promise.all([t.connect(ada), t.connect(grace), t.connect(alan)]);
    for (const text of ['one', 'two']) adaClient.sendMessage({ room_id: room, sender_id: ada, message: text });
    await waitFor(() => graceClient.log.filter((e) => e.event === 'message').length === 2, 'two messages');
    const second = graceClient.log.filter((e) => e.event === 'message')[1]!.payload as Message;
    expect(await core().unreadCount(await idOf(grace), room)).toBe(2);

    const atAda = nextEvent<MessageSeen>(adaClient.socket, 'seen');
    const atAlan = nextEvent<MessageSeen>(alanClient.socket, 'seen');
    graceClient.messageSeen({ message_id: second._id, room_id: room });
    const want = { message_id: second._id, room_id: room, user_id: grace };
    expect(await atAda).toEqual(want);
    expect(await atAlan).toEqual(want);
    expect(await core().unreadCount(await idOf(grace), room)).toBe(0);
    expect(await core().unreadCount(await idOf(alan), room)).toBe(2);
  });

  it("shows in the recipients' msg_seen of the stored message (seen through a retried sendNewMessage)", async () => {
    const [ada, grace] = [t.user('ada'), t.user('grace')];
    const [adaClient, graceClient] = await Promise.all([t.connect(ada), t.connect(grace)]);
    const payload = { type: 'peer-to-peer' as const, recipient_id: [grace], message: { _id: 'c-1', sender_id: ada, message: 'hi' } };
    const first = nextEvent<Message>(graceClient.socket, grace);
    adaClient.sendNewMessage(payload);
    const message = await first;
    expect(message.recipients).toEqual([{ _id: grace, msg_seen: false }]);
    const seen = nextEvent(adaClient.socket, 'seen');
    graceClient.messageSeen({ message_id: message._id, room_id: message.room_id });
    await seen;
    const again = nextEvent<Message>(adaClient.socket, 'message');
    adaClient.sendNewMessage(payload);
    expect(await again).toEqual({ ...message, recipients: [{ _id: grace, msg_seen: true }] });
  });

  it("announces seeing one's own message, and changes nothing", async () => {
    const [ada, grace] = [t.user('ada'), t.user('grace')];
    const room = await t.group(ada, [grace]);
    const [adaClient, graceClient] = await Promise.all([t.connect(ada), t.connect(grace)]);
    const fromGrace = nextEvent<Message>(adaClient.socket, 'message');
    graceClient.sendMessage({ room_id: room, sender_id: grace, message: 'first' });
    await fromGrace;
    const own = nextEvent<Message>(adaClient.socket, 'message');
    adaClient.sendMessage({ room_id: room, sender_id: ada, message: 'mine' });
    const mine = await own;
    const seen = nextEvent<MessageSeen>(graceClient.socket, 'seen');
    adaClient.messageSeen({ message_id: mine._id, room_id: room });
    expect(await seen).toEqual({ message_id: mine._id, room_id: room, user_id: ada });
    // grace's earlier message is still unread by ada: her own message moved nothing.
    expect(await core().unreadCount(await idOf(ada), room)).toBe(1);
  });

  it.each([
    ['an unknown message', 'no-such-message', 'own', 404, 'message_id'],
    ['a message of another room', 'other', 'own', 404, 'message_id'],
    ['a room the user is not in', 'any', 'stranger', 403, 'room_id'],
  ])('refuses %s', async (_name, which, roomOf, status, field) => {
    const [ada, grace] = [t.user('ada'), t.user('grace')];
    const room = await t.group(ada, [grace]);
    const other = await t.group(grace, [t.user('alan')]);
    const graceId = await idOf(grace);
    const elsewhere = await core().storeMessage({ conversationId: other, senderId: graceId, text: 'elsewhere' });
    const client = await t.connect(ada);
    const error = nextError(client);
    client.messageSeen({
      message_id: which === 'no-such-message' ? which : elsewhere.message.id,
      room_id: roomOf === 'own' ? room : other,
    });
    expect(await error).toMatchObject({ event: 'messageSeen', statusCode: status, field });
  });
});
