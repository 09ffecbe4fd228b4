/**
 * For every client event of every spec: the events the mock answers with arrive in the order the
 * spec gives, at exactly the sockets it names (two tabs of the actor, the other user, a
 * bystander who must get nothing), honouring its conditions, each valid against the generated
 * validators (Session.take checks every payload). The expected sequences are written out here
 * by hand from the specs, not computed from them.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/spec/files.js';
import { nextEvent } from '../helpers/net.js';
import { loadSpec, type Protocol as SpecProtocol } from '../helpers/specs.js';
import { closeSessions, Session, type Protocol } from './helpers.js';

afterEach(closeSessions);

/** The client events each scenario below sends, to check that every event of every spec is covered. */
const covered: Record<Protocol, Set<string>> = { messenger: new Set(), rooms: new Set(), marketplace: new Set(), teamchat: new Set() };
async function send(s: Session, peer: string, event: string, payload?: unknown): Promise<void> {
  covered[s.protocol].add(event);
  await s.send(peer, event, payload);
}

describe('messenger', () => {
  it('answers sendMessage, sendMedia, seeMessage and deleteMessage as the spec orders, to the sockets it names', async () => {
    const s = await Session.start('messenger');
    await s.connect('ada1', 'u-ada');
    await s.connect('ada2', 'u-ada');
    await s.connect('grace', 'u-grace');
    await s.connect('bob', 'u-bob');
    s.take();

    // A first message, the receiver online: delivered, a new thread, the message, the receiver's count.
    await send(s, 'ada1', 'sendMessage', { messageid: 'c-1', senderid: 'u-ada', receiverid: 'u-grace', message: 'Hello Grace!' });
    expect(s.take()).toEqual({
      ada1: ['deliveredMessage', 'newThread', 'newMessage'],
      ada2: ['deliveredMessage', 'newThread', 'newMessage'],
      grace: ['newThread', 'newMessage', 'unreadMessagesCount'],
      bob: [],
    });
    const first = s.last('grace', 'newMessage');
    expect(first).toMatchObject({ messageid: 'c-1', senderid: 'u-ada', receiverid: 'u-grace', message: 'Hello Grace!', createdAt: expect.stringMatching(/^2025-03-01T10:00/) });
    expect(first._id).toMatch(/^[0-9a-f]{24}$/);
    expect(s.last('grace', 'newThread')).toMatchObject({ last_message: 'Hello Grace!', last_message_sender_id: 'u-ada', unreadCount: 1 });
    expect(s.last('ada1', 'newThread')).toMatchObject({ unreadCount: 0 });
    expect(s.last('grace', 'unreadMessagesCount')).toEqual({ count: 1 });
    const threadId = s.last('grace', 'newThread')._id;

    // The thread exists now: threadUpdate instead of newThread.
    await send(s, 'ada2', 'sendMessage', { messageid: 'c-2', senderid: 'u-ada', receiverid: 'u-grace', message: 'Are you there?' });
    expect(s.take()).toEqual({
      ada1: ['deliveredMessage', 'threadUpdate', 'newMessage'],
      ada2: ['deliveredMessage', 'threadUpdate', 'newMessage'],
      grace: ['threadUpdate', 'newMessage', 'unreadMessagesCount'],
      bob: [],
    });
    expect(s.last('grace', 'threadUpdate')).toMatchObject({ _id: threadId, last_message: 'Are you there?', unreadCount: 2 });
    expect(s.last('grace', 'unreadMessagesCount')).toEqual({ count: 2 });

    // A retried send (same messageid) is stored once and its emits repeated.
    await send(s, 'ada1', 'sendMessage', { messageid: 'c-2', senderid: 'u-ada', receiverid: 'u-grace', message: 'Are you there?' });
    expect(s.take().grace).toEqual(['threadUpdate', 'newMessage', 'unreadMessagesCount']);
    expect(s.last('grace', 'unreadMessagesCount')).toEqual({ count: 2 });

    // The receiver offline: no deliveredMessage; the message waits.
    await send(s, 'ada1', 'sendMessage', { messageid: 'c-3', senderid: 'u-ada', receiverid: 'u-carol', message: 'Hi Carol' });
    expect(s.take()).toEqual({ ada1: ['newThread', 'newMessage'], ada2: ['newThread', 'newMessage'], grace: [], bob: [] });

    // Media: the same sequence with newMedia, its contentURL served by the mock.
    await send(s, 'ada1', 'sendMedia', { messageid: 'c-4', senderid: 'u-ada', receiverid: 'u-grace', mimeType: 'image/png', file: Buffer.from('89504e470d0a1a0a', 'hex') });
    expect(s.take()).toEqual({
      ada1: ['deliveredMessage', 'threadUpdate', 'newMedia'],
      ada2: ['deliveredMessage', 'threadUpdate', 'newMedia'],
      grace: ['threadUpdate', 'newMedia', 'unreadMessagesCount'],
      bob: [],
    });
    const media = s.last<{ contentURL: string; contentType: string }>('grace', 'newMedia');
    expect(media.contentType).toBe('image/png');
    const served = await fetch(media.contentURL);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).toString('hex')).toBe('89504e470d0a1a0a');

    // Grace reads: Ada is told, Grace's own count drops to 0.
    await send(s, 'grace', 'seeMessage', { senderid: 'u-ada', userid: 'u-grace' });
    expect(s.take()).toEqual({ ada1: ['seenMessage'], ada2: ['seenMessage'], grace: ['unreadMessagesCount'], bob: [] });
    expect(s.last('ada1', 'seenMessage')).toEqual({ receiverid: 'u-grace' });
    expect(s.last('grace', 'unreadMessagesCount')).toEqual({ count: 0 });

    // Only the receiver hears of a deletion.
    await send(s, 'ada1', 'deleteMessage', { chatid: first._id, senderid: 'u-ada', receiverid: 'u-grace' });
    expect(s.take()).toEqual({ ada1: [], ada2: [], grace: ['messageDeleted'], bob: [] });
    expect(s.last('grace', 'messageDeleted')).toEqual({ chatid: first._id, senderid: 'u-ada' });

    // Guards: someone else's message (403), a deleted one (404), oneself (400); only the sending socket hears.
    const second = s.last('grace', 'newMessage');
    await send(s, 'grace', 'deleteMessage', { chatid: first._id, senderid: 'u-grace', receiverid: 'u-ada' });
    expect(s.take()).toEqual({ ada1: [], ada2: [], grace: ['error'], bob: [] });
    expect(s.last('grace', 'error')).toMatchObject({ event: 'deleteMessage', statusCode: 404, field: 'chatid' });
    await send(s, 'grace', 'deleteMessage', { chatid: second._id, senderid: 'u-grace', receiverid: 'u-ada' });
    expect(s.last('grace', 'error')).toMatchObject({ event: 'deleteMessage', statusCode: 403 });
    await send(s, 'bob', 'sendMessage', { messageid: 'c-9', senderid: 'u-bob', receiverid: 'u-bob', message: 'me' });
    expect(s.take()).toEqual({ ada1: [], ada2: [], grace: ['error'], bob: ['error'] });
    expect(s.last('bob', 'error')).toMatchObject({ event: 'sendMessage', statusCode: 400 });
  });

  it('runs the lifecycle: pending messages delivered on connect, online status to counterparts', async () => {
    const s = await Session.start('messenger');
    await s.connect('ada', 'u-ada');
    await send(s, 'ada', 'sendMessage', { messageid: 'c-1', senderid: 'u-ada', receiverid: 'u-carol', message: 'Waiting for you' });
    s.take();
    // Carol's first socket: Ada learns the message is delivered, and that Carol is online.
    await s.connect('carol1', 'u-carol');
    await s.settle();
    expect(s.take()).toEqual({ ada: ['deliveredMessage', 'threadUpdate'], carol1: [] });
    expect(s.last('ada', 'deliveredMessage')).toEqual({ receiverid: 'u-carol' });
    const online = s.last<{ participants: { userid: string; is_online: string }[] }>('ada', 'threadUpdate');
    expect(online.participants.find((p) => p.userid === 'u-carol')?.is_online).toBe('1');
    // A second tab changes nothing; closing one of two neither.
    await s.connect('carol2', 'u-carol');
    await s.settle();
    await s.disconnect('carol2');
    await s.settle();
    expect(s.take()).toEqual({ ada: [], carol1: [] });
    // The last socket leaves: counterparts see is_online "0".
    await s.disconnect('carol1');
    await s.settle();
    expect(s.take()).toEqual({ ada: ['threadUpdate'] });
    const offline = s.last<{ participants: { userid: string; is_online: string }[] }>('ada', 'threadUpdate');
    expect(offline.participants.find((p) => p.userid === 'u-carol')?.is_online).toBe('0');
  });
});

describe('rooms', () => {
  const nitesh = { user_id: '61010d7ce4c9786a417b4112', email: 'nitesh.kumar@techstriker.com', name: 'Nitesh' };
  const ravi = { user_id: '61010d7ce4c9786a417b4113', email: 'ravi@techstriker.com', name: 'Ravi' };
  const mallory = { user_id: '61010d7ce4c9786a417b4199', email: 'mallory@example.com', name: 'Mallory' };

  it('answers every client event with the spec sequence, fan-out to every participant of the room', async () => {
    const s = await Session.start('rooms');
    await s.connect('nitesh1', nitesh.user_id);
    await s.connect('nitesh2', nitesh.user_id);
    await s.connect('ravi', ravi.user_id);
    await s.connect('mallory', mallory.user_id);

    await send(s, 'nitesh1', 'connected', { user: nitesh, sid: 'Xk2bH3nD0cYv3W6bAAAB' });
    expect(s.take()).toEqual({ nitesh1: [], nitesh2: [], ravi: [], mallory: [] });

    await send(s, 'nitesh1', 'get_chats', { user: nitesh });
    expect(s.take()).toEqual({ nitesh1: ['set_chats'], nitesh2: [], ravi: [], mallory: [] });
    expect(s.last('nitesh1', 'set_chats')).toEqual({ chats: [] });

    await send(s, 'nitesh1', 'new_room_create', { name: 'Design team', participants: [ravi], user: nitesh, is_group: true });
    expect(s.take()).toEqual({ nitesh1: ['add_room'], nitesh2: ['add_room'], ravi: ['add_room'], mallory: [] });
    const room = s.last<{ channel: { _id: string; name: string; is_group: boolean; participants: { user_id: string; name: string }[] } }>('ravi', 'add_room').channel;
    expect(room).toMatchObject({ name: 'Design team', is_group: true });
    expect(room.participants.map((p) => [p.user_id, p.name])).toEqual([
      [nitesh.user_id, 'Nitesh'],
      [ravi.user_id, 'Ravi'],
    ]);

    await send(s, 'ravi', 'new_message', { room: room._id, message_body: 'Hello Nitesh!', type: 'USER_TEXT_MESSAGE', user: ravi, client_id: 'c-7' });
    expect(s.take()).toEqual({ nitesh1: ['message_broadcast'], nitesh2: ['message_broadcast'], ravi: ['message_broadcast'], mallory: [] });
    expect(s.last('nitesh2', 'message_broadcast')).toMatchObject({ room: room._id, client_id: 'c-7', sender: ravi, message_body: { room: room._id, message_body: 'Hello Nitesh!', user: ravi } });

    // Without a client_id, none is echoed.
    await send(s, 'ravi', 'new_message', { room: room._id, message_body: 'Again', type: 'USER_TEXT_MESSAGE', user: ravi });
    expect(s.take().nitesh1).toEqual(['message_broadcast']);
    expect(s.last('nitesh1', 'message_broadcast')).not.toHaveProperty('client_id');

    await send(s, 'nitesh2', 'typing_start', { room: room._id, user: nitesh });
    expect(s.take()).toEqual({ nitesh1: ['show_start_typing'], nitesh2: ['show_start_typing'], ravi: ['show_start_typing'], mallory: [] });
    await send(s, 'nitesh2', 'typing_end', { room: room._id, user: nitesh });
    expect(s.take()).toEqual({ nitesh1: ['show_end_typing'], nitesh2: ['show_end_typing'], ravi: ['show_end_typing'], mallory: [] });
    expect(s.last('ravi', 'show_end_typing')).toEqual({ room: room._id, user: nitesh });

    // Online co-participants: Ravi (not Mallory, who shares no room; not Nitesh himself).
    await send(s, 'nitesh1', 'online_status', { user_id: nitesh.user_id });
    expect(s.take()).toEqual({ nitesh1: ['online_status_show'], nitesh2: [], ravi: [], mallory: [] });
    expect(s.last('nitesh1', 'online_status_show')).toEqual([ravi]);

    // Guards: not a participant (403), unknown room (404); only the sending socket hears.
    await send(s, 'mallory', 'new_message', { room: room._id, message_body: 'Let me in', type: 'USER_TEXT_MESSAGE', user: mallory });
    expect(s.take()).toEqual({ nitesh1: [], nitesh2: [], ravi: [], mallory: ['error'] });
    expect(s.last('mallory', 'error')).toMatchObject({ status: false, status_code: 403, data: { event: 'new_message' } });
    await send(s, 'mallory', 'typing_start', { room: 'nosuchroom', user: mallory });
    expect(s.last('mallory', 'error')).toMatchObject({ status_code: 404, data: { event: 'typing_start' } });
  });
});

describe('marketplace', () => {
  it('answers every client event with the spec sequence across /presence and /chat, per (role, id) user', async () => {
    const s = await Session.start('marketplace');
    // Customer 2 and vendor 2 are two different users.
    await s.connect('customerP', 2, { role: 'customer', namespace: '/presence' });
    await s.connect('vendorP', 2, { role: 'vendor', namespace: '/presence' });
    await s.connect('otherP', 5, { role: 'customer', namespace: '/presence' });
    await s.connect('customer', 2, { role: 'customer', namespace: '/chat' });
    await s.connect('vendor', 2, { role: 'vendor', namespace: '/chat' });
    await s.connect('other', 5, { role: 'customer', namespace: '/chat' });
    await s.settle();
    // Connecting to /chat: userChats, then offlineMessages, to that socket.
    expect(s.take()).toEqual({ customerP: [], vendorP: [], otherP: [], customer: ['userChats', 'offlineMessages'], vendor: ['userChats', 'offlineMessages'], other: ['userChats', 'offlineMessages'] });

    // A first message about a product, the vendor online: newChat to the vendor, receiveMessage to the customer.
    await send(s, 'customer', 'sendMessage', { productId: '12345', recipientId: 2, text: 'Is it available?', storeName: 'Tech Haven', productName: 'Wireless Headphones', productPrice: '299' });
    expect(s.take()).toEqual({ customerP: [], vendorP: [], otherP: [], customer: ['receiveMessage'], vendor: ['newChat'], other: [] });
    const chat = s.last<{ message: Record<string, unknown> & { messages: Record<string, unknown>[] } }>('vendor', 'newChat').message;
    expect(chat).toMatchObject({ productId: '12345', vendorId: 2, customerId: 2, storeName: 'Tech Haven', productName: 'Wireless Headphones', productPrice: '299' });
    expect(chat.messages).toHaveLength(1);
    expect(chat.messages[0]).toMatchObject({ senderId: 2, text: 'Is it available?', chatId: chat.id, senderType: 'CUSTOMER', read: false, recipientOnline: true });
    const sent = s.last<{ data: Record<string, unknown>[] }>('customer', 'receiveMessage').data[0]!;
    expect(sent).toMatchObject({ id: chat.messages[0]!.id, chatId: chat.id, text: 'Is it available?' });

    // The chat exists: receiveMessage to both users.
    await send(s, 'vendor', 'sendMessage', { productId: '12345', recipientId: 2, text: 'Yes, it is!' });
    expect(s.take()).toEqual({ customerP: [], vendorP: [], otherP: [], customer: ['receiveMessage'], vendor: ['receiveMessage'], other: [] });
    expect(s.last<{ data: Record<string, unknown>[] }>('customer', 'receiveMessage').data[0]).toMatchObject({ senderId: 2, senderType: 'VENDOR', text: 'Yes, it is!' });

    await send(s, 'customer', 'typing', { productId: '12345', recipientId: 2 });
    expect(s.take()).toEqual({ customerP: [], vendorP: [], otherP: [], customer: [], vendor: ['userTyping'], other: [] });
    expect(s.last('vendor', 'userTyping')).toMatchObject({ data: { chatId: chat.id, userId: 2, productId: '12345' } });
    await send(s, 'customer', 'stoppedTyping', { productId: '12345', recipientId: 2 });
    expect(s.take()).toEqual({ customerP: [], vendorP: [], otherP: [], customer: [], vendor: ['stoppedTyping'], other: [] });

    await send(s, 'customer', 'markAsRead', { productId: '12345', recipientId: 2 });
    expect(s.take()).toEqual({ customerP: [], vendorP: [], otherP: [], customer: [], vendor: ['updateReadReceipts'], other: [] });

    await send(s, 'vendor', 'joinChat', { chatId: chat.id });
    expect(s.take()).toEqual({ customerP: [], vendorP: [], otherP: [], customer: ['updateReadReceipts'], vendor: ['loadMessages'], other: [] });
    const loaded = s.last<{ data: { id: string; messages: { text: string; read: boolean }[] } }>('vendor', 'loadMessages').data;
    expect(loaded.id).toBe(chat.id);
    expect(loaded.messages.map((m) => [m.text, m.read])).toEqual([
      ['Yes, it is!', true],
      ['Is it available?', true],
    ]);
    // The other form of joinChat: product and counterpart.
    await send(s, 'customer', 'joinChat', { productId: '12345', recipientId: 2 });
    expect(s.take().customer).toEqual(['loadMessages']);

    await send(s, 'customer', 'joinRooms');
    expect(s.take()).toEqual({ customerP: [], vendorP: [], otherP: [], customer: ['userChats'], vendor: [], other: [] });
    await send(s, 'customer', 'getUserChats', {});
    expect(s.take()).toEqual({ customerP: [], vendorP: [], otherP: [], customer: ['userChats'], vendor: [], other: [] });
    expect(s.last<{ data: { id: string }[] }>('customer', 'userChats').data.map((c) => c.id)).toEqual([chat.id]);

    await send(s, 'customer', 'deleteMessage', { productId: '12345', recipientId: 2, messageId: sent.id });
    expect(s.take()).toEqual({ customerP: [], vendorP: [], otherP: [], customer: ['messageDeleted'], vendor: ['messageDeleted'], other: [] });
    expect(s.last('vendor', 'messageDeleted')).toMatchObject({ data: { chatId: chat.id, messageId: sent.id } });

    // Guards: someone else's chat (the other customer has none with vendor 2 about it: 404).
    await send(s, 'other', 'markAsRead', { productId: '12345', recipientId: 2 });
    expect(s.take()).toEqual({ customerP: [], vendorP: [], otherP: [], customer: [], vendor: [], other: ['appError'] });
    expect(s.last('other', 'appError')).toMatchObject({ error: true, statusCode: 404, data: { event: 'markAsRead' } });
    await send(s, 'other', 'joinChat', { chatId: chat.id });
    expect(s.last('other', 'appError')).toMatchObject({ statusCode: 403 });
  });

  it('tells counterparts in /presence when a user comes online and goes offline, once per shared chat', async () => {
    const s = await Session.start('marketplace');
    await s.connect('customerP', 2, { role: 'customer', namespace: '/presence' });
    await s.connect('customer', 2, { role: 'customer', namespace: '/chat' });
    await s.settle();
    expect(s.take()).toEqual({ customerP: [], customer: ['userChats', 'offlineMessages'] });
    await send(s, 'customer', 'sendMessage', { productId: '1', recipientId: 7, text: 'Hello?' });
    await send(s, 'customer', 'sendMessage', { productId: '2', recipientId: 7, text: 'And this one?' });
    // The vendor was offline: no newChat (nobody to send it to), the customer has the message.
    expect(s.take()).toEqual({ customerP: [], customer: ['receiveMessage', 'receiveMessage'] });
    await s.connect('vendorP', 7, { role: 'vendor', namespace: '/presence' });
    await s.settle();
    expect(s.take()).toEqual({ customerP: ['userIsOnline', 'userIsOnline'], customer: [], vendorP: [] });
    expect(s.last('customerP', 'userIsOnline')).toMatchObject({ data: { userId: 7, userType: 'vendor' } });
    // The vendor's /chat connection lists the chats, and the two messages sent while offline.
    await s.connect('vendor', 7, { role: 'vendor', namespace: '/chat' });
    await s.settle();
    expect(s.take().vendor).toEqual(['userChats', 'offlineMessages']);
    expect(s.last<{ data: { text: string }[] }>('vendor', 'offlineMessages').data.map((m) => m.text)).toEqual(['And this one?', 'Hello?']);
    await s.disconnect('vendorP');
    await s.settle();
    expect(s.take().customerP).toEqual(['userIsOffline', 'userIsOffline']);
  });
});

describe('teamchat', () => {
  const A = '65e01d25c002d6508c631ad9';
  const B = '5fa24825a8e9cddf8f35df71';
  const C = '616e6d5195ae5b3f1adc87dc';

  it('answers every client event with the spec sequence, events named after their recipient to them only', async () => {
    const s = await Session.start('teamchat');
    await s.connect('a1', A);
    await s.connect('a2', A);
    await s.connect('b', B);
    await s.connect('c', C);

    await send(s, 'a1', 'connectRooms', { user_id: A, first_name: 'Abdul' });
    expect(s.take()).toEqual({ a1: ['connectRooms'], a2: [], b: [], c: [] });

    await send(s, 'a1', 'createGroup', { room_name: 'Future group', recipients: [B, B], type: 'group-chat', creator_id: A });
    expect(s.take()).toEqual({ a1: [`group_${A}`], a2: [`group_${A}`], b: [`group_${B}`], c: [] });
    const group = s.last<{ _id: string; recipients: string[]; room_name: string }>('b', `group_${B}`);
    expect(group).toMatchObject({ room_name: 'Future group', type: 'group-chat', creator_id: A, pinned_messages: [] });
    expect(group.recipients).toEqual([A, B]);

    await send(s, 'b', 'sendMessage', { room_id: group._id, sender_id: B, message: 'Can you see this message?', first_name: 'Bharat', message_type: '', attachments: [] });
    expect(s.take()).toEqual({ a1: ['message'], a2: ['message'], b: ['message'], c: [] });
    const message = s.last<{ _id: string }>('a1', 'message');
    expect(message).toMatchObject({ room_id: group._id, sender_id: B, message: 'Can you see this message?', first_name: 'Bharat', recipients: [{ _id: A, msg_seen: false }] });

    await send(s, 'a2', 'typing', { room_id: group._id, message: 'I am typing...' });
    expect(s.take()).toEqual({ a1: ['typing'], a2: ['typing'], b: ['typing'], c: [] });
    expect(s.last('b', 'typing')).toEqual({ room_id: group._id, message: 'I am typing...', user_id: A });

    await send(s, 'b', 'editMessage', { message_id: message._id, message: 'Edited', room_id: group._id, user_id: B });
    expect(s.take()).toEqual({ a1: ['edited'], a2: ['edited'], b: ['edited'], c: [] });
    expect(s.last('a1', 'edited')).toMatchObject({ message_id: message._id, message: 'Edited', dateEdited: expect.stringMatching(/^2025-03-01T10:/) });

    await send(s, 'a1', 'messageSeen', { message_id: message._id, room_id: group._id });
    expect(s.take()).toEqual({ a1: ['seen'], a2: ['seen'], b: ['seen'], c: [] });

    await send(s, 'a1', 'pinMessage', { _id: message._id, room_id: group._id, pin_message: true });
    expect(s.take()).toEqual({ a1: ['pin message'], a2: ['pin message'], b: ['pin message'], c: [] });

    // A first message to C: a new peer-to-peer room; C gets the event named by C's id, the sender's tabs `message`.
    await send(s, 'a1', 'sendNewMessage', { type: 'peer-to-peer', recipient_id: [C], message: { _id: 'draft-1', sender_id: A, message: 'Hi C', message_type: 'text', attachments: [] } });
    expect(s.take()).toEqual({ a1: ['message'], a2: ['message'], b: [], c: [C] });
    expect(s.last('c', C)).toMatchObject({ sender_id: A, message: 'Hi C', room_id: s.last<{ room_id: string }>('a1', 'message').room_id });

    // Only the sender may edit or delete (403), only members may act (403).
    await send(s, 'a1', 'deleteMessage', { message_id: message._id, user_id: A, room_id: group._id });
    expect(s.take()).toEqual({ a1: ['error'], a2: [], b: [], c: [] });
    expect(s.last('a1', 'error')).toMatchObject({ event: 'deleteMessage', statusCode: 403 });
    await send(s, 'c', 'typing', { room_id: group._id, message: 'hi' });
    expect(s.last('c', 'error')).toMatchObject({ event: 'typing', statusCode: 403 });

    await send(s, 'b', 'deleteMessage', { message_id: message._id, user_id: B, room_id: group._id });
    expect(s.take()).toEqual({ a1: ['delete'], a2: ['delete'], b: ['delete'], c: ['error'] });
    expect(s.last('a1', 'delete')).toEqual({ message_id: message._id, user_id: B, room_id: group._id });
  });
});

describe('coverage', () => {
  it.each(['messenger', 'rooms', 'marketplace', 'teamchat'] as const)('the scenarios above send every client event of %s', (protocol) => {
    const { model } = loadSpec(protocol as SpecProtocol);
    const events = model.namespaces.flatMap((ns) => ns.events.filter((e) => e.direction === 'client').map((e) => e.name));
    // Run after the scenarios (vitest runs a file's tests in order).
    expect([...covered[protocol]].sort()).toEqual([...new Set(events)].sort());
  });
});

describe('a spec of one\'s own (--spec)', () => {
  it('is mocked from the spec alone, with validators compiled from it, acknowledgements included', async () => {
    const { startMock, mockToken } = await import('../../mock-server/index.js');
    const { io } = await import('socket.io-client');
    const mock = await startMock({ spec: join(projectRoot, 'test/fixtures/generator/minimal.yaml'), port: 0, seed: 1 });
    try {
      expect(mock.protocol.ctx.spec.generatedValidators).toBe(false);
      const socket = io(mock.url, { auth: { token: mockToken({ sub: 'ada' }) }, transports: ['websocket'], reconnection: false, forceNew: true });
      await nextEvent(socket, 'connect');
      const pong = nextEvent<Record<string, unknown>>(socket, 'pong');
      const ack = (await socket.timeout(3000).emitWithAck('ping', { from: 'ada', text: 'hello' })) as Record<string, unknown>;
      expect(await pong).toMatchObject({ echo: 'hello' });
      expect(ack).toMatchObject({ echo: 'hello' });
      const oops = nextEvent<Record<string, unknown>>(socket, 'oops');
      socket.emit('ping', { from: 'ada' });
      expect(await oops).toEqual({ code: 400, text: 'text is required' });
      expect(socket.connected).toBe(true);
      socket.close();
    } finally {
      await mock.close();
    }
  });
});
