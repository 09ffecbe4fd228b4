/**
 * The generated client bindings against the mock, with validation on: what they send is valid,
 * what the mock answers passes their checks (onInvalidPayload is never called), and the typed
 * methods and listeners work end to end.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectMarketplaceChat, connectMarketplacePresence } from '../../generated/marketplace/client.js';
import { connectMessenger } from '../../generated/messenger/client.js';
import { connectRooms } from '../../generated/rooms/client.js';
import { connectTeamchat } from '../../generated/teamchat/client.js';
import { nextEvent } from '../helpers/net.js';
import { closeSessions, Session } from './helpers.js';

afterEach(closeSessions);
const clients: { close(): void }[] = [];
afterEach(() => clients.splice(0).forEach((c) => c.close()));

const socketOptions = { transports: ['websocket'], reconnection: false, forceNew: true };

describe('generated clients against the mock', () => {
  it('messenger', async () => {
    const s = await Session.start('messenger');
    const onInvalid = vi.fn();
    const ada = connectMessenger(s.url, { auth: { token: s.token('u-ada') }, validate: true, onInvalidPayload: onInvalid, socket: socketOptions });
    const grace = connectMessenger(s.url, { auth: { token: s.token('u-grace') }, validate: true, onInvalidPayload: onInvalid, socket: socketOptions });
    clients.push(ada, grace);
    await Promise.all([ada.ready(), grace.ready()]);
    const thread = new Promise((resolve) => grace.on('newThread', resolve));
    const message = new Promise((resolve) => grace.on('newMessage', resolve));
    const count = new Promise((resolve) => grace.on('unreadMessagesCount', resolve));
    ada.sendMessage({ messageid: 'c-1', senderid: 'u-ada', receiverid: 'u-grace', message: 'Hello from the generated client' });
    expect(await message).toMatchObject({ messageid: 'c-1', message: 'Hello from the generated client' });
    expect(await thread).toMatchObject({ last_message: 'Hello from the generated client', unreadCount: 1 });
    expect(await count).toEqual({ count: 1 });
    const seen = new Promise((resolve) => ada.on('seenMessage', resolve));
    grace.seeMessage({ senderid: 'u-ada', userid: 'u-grace' });
    expect(await seen).toEqual({ receiverid: 'u-grace' });
    expect(onInvalid).not.toHaveBeenCalled();
  });

  it('rooms', async () => {
    const s = await Session.start('rooms', { fill: 2 });
    const onInvalid = vi.fn();
    const user = { user_id: '61010d7ce4c9786a417b4112', email: 'n@example.com', name: 'Nitesh' };
    const client = connectRooms(s.url, { auth: { token: s.token(user.user_id) }, validate: true, onInvalidPayload: onInvalid, socket: socketOptions });
    clients.push(client);
    await client.ready();
    const chats = new Promise<{ chats: { _id: string }[] }>((resolve) => client.on('set_chats', resolve));
    client.connected({ user, sid: client.socket.id ?? 'sid' });
    client.getChats({ user });
    const { chats: list } = await chats;
    expect(list).toHaveLength(2);
    const broadcast = new Promise((resolve) => client.on('message_broadcast', resolve));
    client.newMessage({ room: list[0]!._id, message_body: 'Hi', type: 'USER_TEXT_MESSAGE', user });
    expect(await broadcast).toMatchObject({ room: list[0]!._id, sender: user });
    expect(onInvalid).not.toHaveBeenCalled();
  });

  it('marketplace (two namespaces)', async () => {
    const s = await Session.start('marketplace', { fill: 1 });
    const onInvalid = vi.fn();
    const token = s.token(2, { role: 'customer', namespace: '/presence' });
    const presence = connectMarketplacePresence(s.url, { auth: { token }, validate: true, onInvalidPayload: onInvalid, socket: socketOptions });
    clients.push(presence);
    await presence.ready();
    const chat = connectMarketplaceChat(s.url, { auth: { token }, validate: true, onInvalidPayload: onInvalid, socket: socketOptions });
    clients.push(chat);
    const userChats = new Promise<{ data: { id: string; vendorId: number; productId: string }[] }>((resolve) => chat.on('userChats', resolve));
    await chat.ready();
    const [first] = (await userChats).data;
    const received = new Promise((resolve) => chat.on('receiveMessage', resolve));
    chat.sendMessage({ productId: first!.productId, recipientId: first!.vendorId, text: 'Still available?' });
    expect(await received).toMatchObject({ data: [{ chatId: first!.id, text: 'Still available?' }] });
    const loaded = new Promise((resolve) => chat.on('loadMessages', resolve));
    chat.joinChat({ chatId: first!.id });
    expect(await loaded).toMatchObject({ data: { id: first!.id } });
    expect(onInvalid).not.toHaveBeenCalled();
  });

  it('teamchat (dynamic event names)', async () => {
    const s = await Session.start('teamchat');
    const onInvalid = vi.fn();
    const A = '65e01d25c002d6508c631ad9';
    const B = '5fa24825a8e9cddf8f35df71';
    const a = connectTeamchat(s.url, { auth: { token: s.token(A) }, validate: true, onInvalidPayload: onInvalid, socket: socketOptions });
    const b = connectTeamchat(s.url, { auth: { token: s.token(B) }, validate: true, onInvalidPayload: onInvalid, socket: socketOptions });
    clients.push(a, b);
    await Promise.all([a.ready(), b.ready()]);
    const group = new Promise<{ _id: string }>((resolve) => b.onGroupCreated({ userId: B }, resolve));
    a.createGroup({ room_name: 'Launch', recipients: [B], type: 'group-chat', creator_id: A });
    const room = await group;
    const direct = new Promise((resolve) => b.onUserMessage({ userId: B }, resolve));
    a.sendNewMessage({ type: 'peer-to-peer', recipient_id: [B], message: { sender_id: A, message: 'psst', message_type: 'text', attachments: [] } });
    expect(await direct).toMatchObject({ sender_id: A, message: 'psst' });
    const rooms = nextEvent<{ _id: string }[]>(b.socket, 'connectRooms');
    b.connectRooms({ user_id: B });
    expect((await rooms).map((r) => r._id)).toContain(room._id);
    expect(onInvalid).not.toHaveBeenCalled();
  });
});
