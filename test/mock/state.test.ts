/**
 * What the mock remembers: a frontend sends, reloads (a new socket) and sees what it did in the
 * protocol's list and history events; edits, deletions, reads and pins show; lists start with
 * a few fake conversations (with fake peers and history) that behave like real ones;
 * `--stateless` remembers nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { closeSessions, control, Session } from './helpers.js';

afterEach(closeSessions);

const nitesh = { user_id: '61010d7ce4c9786a417b4112', email: 'nitesh@example.com', name: 'Nitesh' };
const ravi = { user_id: '61010d7ce4c9786a417b4113', email: 'ravi@example.com', name: 'Ravi' };

type Room = { _id: string; name: string; participants: { user_id: string }[]; last_message?: { message_body: string; user: { user_id: string } }; unread_messages_count: number };

describe('remembering what clients did', () => {
  it('rooms: a room and its messages are in get_chats after a reload, with each user\'s unread count', async () => {
    const s = await Session.start('rooms');
    await s.connect('nitesh', nitesh.user_id);
    await s.send('nitesh', 'new_room_create', { name: 'Design team', participants: [ravi], user: nitesh, is_group: true });
    const roomId = s.last<{ channel: { _id: string } }>('nitesh', 'add_room').channel._id;
    await s.send('nitesh', 'new_message', { room: roomId, message_body: 'First', type: 'USER_TEXT_MESSAGE', user: nitesh });
    await s.send('nitesh', 'new_message', { room: roomId, message_body: 'Second', type: 'USER_TEXT_MESSAGE', user: nitesh });
    await s.disconnect('nitesh');

    // A reload: a new socket, the same user.
    await s.connect('nitesh', nitesh.user_id);
    await s.send('nitesh', 'get_chats', { user: nitesh });
    const [room] = s.last<{ chats: Room[] }>('nitesh', 'set_chats').chats;
    expect(room).toMatchObject({ _id: roomId, name: 'Design team', last_message: { message_body: 'Second', user: nitesh }, unread_messages_count: 0 });
    expect(room!.participants.map((p) => p.user_id)).toEqual([nitesh.user_id, ravi.user_id]);

    await s.connect('ravi', ravi.user_id);
    await s.send('ravi', 'get_chats', { user: ravi });
    expect(s.last<{ chats: Room[] }>('ravi', 'set_chats').chats).toEqual([expect.objectContaining({ _id: roomId, unread_messages_count: 2, last_message: expect.objectContaining({ message_body: 'Second' }) })]);
    s.take();
  });

  it('marketplace: the chat, its messages and their read state after reloads on both sides', async () => {
    const s = await Session.start('marketplace');
    await s.connect('cp', 2, { role: 'customer', namespace: '/presence' });
    await s.connect('c', 2, { role: 'customer', namespace: '/chat' });
    await s.send('c', 'sendMessage', { productId: '12345', recipientId: 3, text: 'Hello vendor', productName: 'Wireless Headphones', storeName: 'Tech Haven' });
    await s.send('c', 'sendMessage', { productId: '12345', recipientId: 3, text: 'Anyone?' });

    await s.connect('vp', 3, { role: 'vendor', namespace: '/presence' });
    await s.connect('v', 3, { role: 'vendor', namespace: '/chat' });
    await s.settle();
    const chats = s.last<{ data: { id: string; productName: string; storeName: string; customerId: number; vendorId: number; messages: { text: string; read: boolean }[] }[] }>('v', 'userChats').data;
    expect(chats).toHaveLength(1);
    expect(chats[0]).toMatchObject({ productName: 'Wireless Headphones', storeName: 'Tech Haven', customerId: 2, vendorId: 3 });
    expect(chats[0]!.messages.map((m) => [m.text, m.read])).toEqual([
      ['Anyone?', false],
      ['Hello vendor', false],
    ]);
    expect(s.last<{ data: { text: string }[] }>('v', 'offlineMessages').data.map((m) => m.text)).toEqual(['Anyone?', 'Hello vendor']);

    await s.send('v', 'joinChat', { chatId: chats[0]!.id });
    // The customer reloads /chat: the messages are read now; the vendor's offline list is empty.
    await s.disconnect('c');
    await s.connect('c', 2, { role: 'customer', namespace: '/chat' });
    await s.settle();
    expect(s.last<{ data: { messages: { read: boolean }[] }[] }>('c', 'userChats').data[0]!.messages.map((m) => m.read)).toEqual([true, true]);
    await s.disconnect('v');
    await s.connect('v', 3, { role: 'vendor', namespace: '/chat' });
    await s.settle();
    expect(s.last('v', 'offlineMessages')).toMatchObject({ data: [] });
    s.take();
  });

  it('teamchat: a group with its pinned message after a reload; edits and deletions show', async () => {
    const A = '65e01d25c002d6508c631ad9';
    const B = '5fa24825a8e9cddf8f35df71';
    const s = await Session.start('teamchat');
    await s.connect('a', A);
    await s.send('a', 'createGroup', { room_name: 'Future group', recipients: [B], type: 'group-chat', creator_id: A, image_url: 'https://example.com/g.png' });
    const group = s.last<{ _id: string }>('a', `group_${A}`);
    await s.send('a', 'sendMessage', { room_id: group._id, sender_id: A, message: 'Pin me' });
    const pinned = s.last<{ _id: string }>('a', 'message');
    await s.send('a', 'sendMessage', { room_id: group._id, sender_id: A, message: 'And me' });
    const other = s.last<{ _id: string }>('a', 'message');
    await s.send('a', 'pinMessage', { _id: pinned._id, room_id: group._id, pin_message: true });
    await s.send('a', 'pinMessage', { _id: other._id, room_id: group._id, pin_message: true });
    await s.disconnect('a');

    await s.connect('b', B);
    await s.send('b', 'connectRooms', { user_id: B });
    expect(s.last('b', 'connectRooms')).toEqual([
      { _id: group._id, room_name: 'Future group', type: 'group-chat', recipients: [A, B], creator_id: A, image_url: 'https://example.com/g.png', pinned_messages: [pinned._id, other._id], dateCreated: expect.any(String) },
    ]);
    // A deleted message leaves the pins; editing one that is gone is 404.
    await s.connect('a', A);
    await s.send('a', 'deleteMessage', { message_id: pinned._id, user_id: A, room_id: group._id });
    await s.send('b', 'connectRooms', { user_id: B });
    expect(s.last<{ pinned_messages: string[] }[]>('b', 'connectRooms')[0]!.pinned_messages).toEqual([other._id]);
    await s.send('a', 'editMessage', { message_id: pinned._id, message: 'x', room_id: group._id, user_id: A });
    expect(s.last('a', 'error')).toMatchObject({ statusCode: 404, field: 'message_id' });
    s.take();
  });

  it('messenger: what was read and delivered while a user was away', async () => {
    const s = await Session.start('messenger');
    await s.connect('ada', 'u-ada');
    for (const [i, text] of ['one', 'two', 'three'].entries()) await s.send('ada', 'sendMessage', { messageid: `c-${i}`, senderid: 'u-ada', receiverid: 'u-grace', message: text });
    await s.connect('grace', 'u-grace');
    await s.send('grace', 'seeMessage', { senderid: 'u-ada', userid: 'u-grace' });
    expect(s.last('grace', 'unreadMessagesCount')).toEqual({ count: 0 });
    const { body } = await control<{ conversations: { participants: { key: string }[]; messages: { text: string; readBy: string[]; pending: string[] }[] }[] }>(s, 'GET', '/_mock/state');
    expect(body.conversations).toHaveLength(1);
    expect(body.conversations[0]!.messages.map((m) => [m.text, m.readBy, m.pending])).toEqual([
      ['three', ['u-grace'], []],
      ['two', ['u-grace'], []],
      ['one', ['u-grace'], []],
    ]);
    s.take();
  });
});

describe('fake conversations (--fill)', () => {
  it('rooms: a new user\'s list starts with fake rooms with fake peers and history, which work like real ones', async () => {
    const s = await Session.start('rooms', { fill: 3 });
    await s.connect('nitesh', nitesh.user_id);
    await s.send('nitesh', 'get_chats', { user: nitesh });
    const chats = s.last<{ chats: Room[] }>('nitesh', 'set_chats').chats;
    expect(chats).toHaveLength(3);
    for (const room of chats) {
      expect(room.participants[0]).toEqual(nitesh);
      expect(room.participants.length).toBeGreaterThan(1);
      expect(room.last_message?.message_body).toEqual(expect.any(String));
    }
    // The same list on the next call, and a message to a fake room is accepted.
    await s.send('nitesh', 'get_chats', { user: nitesh });
    expect(s.last<{ chats: Room[] }>('nitesh', 'set_chats').chats.map((r) => r._id).sort()).toEqual(chats.map((r) => r._id).sort());
    await s.send('nitesh', 'new_message', { room: chats[0]!._id, message_body: 'Hi there', type: 'USER_TEXT_MESSAGE', user: nitesh });
    expect(s.take().nitesh).toEqual(['set_chats', 'set_chats', 'message_broadcast']);
  });

  it('marketplace: fake chats in userChats, their unread messages in offlineMessages', async () => {
    const s = await Session.start('marketplace', { fill: 2 });
    await s.connect('p', 4, { role: 'vendor', namespace: '/presence' });
    await s.connect('v', 4, { role: 'vendor', namespace: '/chat' });
    await s.settle();
    const chats = s.last<{ data: { vendorId: number; customerId: number; messages: { senderId: number; read: boolean; senderType: string }[] }[] }>('v', 'userChats').data;
    expect(chats).toHaveLength(2);
    for (const chat of chats) {
      expect(chat.vendorId).toBe(4);
      expect(chat.customerId).not.toBe(4);
      expect(chat.messages.length).toBeGreaterThan(1);
      for (const m of chat.messages) expect(m.senderType).toBe(m.senderId === 4 ? 'VENDOR' : 'CUSTOMER');
    }
    const unread = chats.flatMap((c) => c.messages).filter((m) => !m.read && m.senderId !== 4);
    expect(s.last<{ data: unknown[] }>('v', 'offlineMessages').data).toHaveLength(unread.length);
    s.take();
  });
});

describe('--stateless', () => {
  it('remembers nothing: every thread is new, lists are empty without fill', async () => {
    const s = await Session.start('messenger', { stateless: true });
    await s.connect('ada', 'u-ada');
    await s.connect('grace', 'u-grace');
    for (const id of ['c-1', 'c-2']) {
      await s.send('ada', 'sendMessage', { messageid: id, senderid: 'u-ada', receiverid: 'u-grace', message: 'hi' });
      expect(s.take().grace).toEqual(['newThread', 'newMessage', 'unreadMessagesCount']);
    }
    const rooms = await Session.start('rooms', { stateless: true });
    await rooms.connect('nitesh', nitesh.user_id);
    await rooms.send('nitesh', 'new_room_create', { name: 'Design team', participants: [ravi], user: nitesh, is_group: true });
    const roomId = rooms.last<{ channel: { _id: string } }>('nitesh', 'add_room').channel._id;
    await rooms.send('nitesh', 'get_chats', { user: nitesh });
    expect(rooms.last('nitesh', 'set_chats')).toEqual({ chats: [] });
    // A room named by id exists (with the sender in it): the message is broadcast to the sender.
    await rooms.send('nitesh', 'new_message', { room: roomId, message_body: 'Still works', type: 'USER_TEXT_MESSAGE', user: nitesh });
    expect(rooms.take().nitesh).toEqual(['add_room', 'set_chats', 'message_broadcast']);
  });
});
