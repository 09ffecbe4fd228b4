/**
 * Chatter: fake peers send a connected user the server events a UI must handle (incoming
 * messages, typing, read receipts, online/offline), through the same generic handling as real
 * clients' events: so every payload is valid and consistent with the user's conversations.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/net.js';
import { closeSessions, control, Session } from './helpers.js';

afterEach(closeSessions);

describe('chatter', () => {
  it('messenger: a fake peer starts a thread with the user, then keeps writing', async () => {
    const s = await Session.start('messenger');
    await s.connect('ada', 'u-ada');
    const res = await control<{ done: { user: string; action: string }[] }>(s, 'POST', '/_mock/chatter', { action: 'message' });
    expect(res.body.done).toEqual([{ user: 'u-ada', action: 'message' }]);
    await s.settle();
    expect(s.take().ada).toEqual(['newThread', 'newMessage', 'unreadMessagesCount']);
    const thread = s.last<{ _id: string; participants: { userid: string; username: string }[] }>('ada', 'newThread');
    const peer = thread.participants.find((p) => p.userid !== 'u-ada')!;
    expect(peer.userid).toMatch(/^u-[a-z]+$/);
    expect(s.last('ada', 'newMessage')).toMatchObject({ senderid: peer.userid, receiverid: 'u-ada', message: expect.any(String) });

    await control(s, 'POST', '/_mock/chatter', { action: 'message' });
    await s.settle();
    expect(s.take().ada).toEqual(['threadUpdate', 'newMessage', 'unreadMessagesCount']);
    expect(s.last('ada', 'threadUpdate')).toMatchObject({ _id: thread._id, unreadCount: 2 });
    expect(s.last('ada', 'unreadMessagesCount')).toEqual({ count: 2 });

    // Online/offline: the peer's lifecycle runs, the user sees the thread's is_online change.
    await control(s, 'POST', '/_mock/chatter', { action: 'presence' });
    await s.settle();
    expect(s.take().ada).toEqual(['threadUpdate']);
    const online = s.last<{ participants: { userid: string; is_online: string }[] }>('ada', 'threadUpdate').participants.find((p) => p.userid === peer.userid)!;
    await control(s, 'POST', '/_mock/chatter', { action: 'presence' });
    await s.settle();
    const offline = s.last<{ participants: { userid: string; is_online: string }[] }>('ada', 'threadUpdate').participants.find((p) => p.userid === peer.userid)!;
    expect([online.is_online, offline.is_online]).toEqual(['1', '0']);
  });

  it('rooms: typing and messages from fake room members', async () => {
    const s = await Session.start('rooms', { fill: 1 });
    const user = { user_id: '61010d7ce4c9786a417b4112', email: 'n@example.com', name: 'Nitesh' };
    await s.connect('n', user.user_id);
    await s.send('n', 'get_chats', { user });
    const room = s.last<{ chats: { _id: string; participants: { user_id: string }[] }[] }>('n', 'set_chats').chats[0]!;
    await control(s, 'POST', '/_mock/chatter', { action: 'typing' });
    await control(s, 'POST', '/_mock/chatter', { action: 'message' });
    await s.settle();
    expect(s.take().n).toEqual(['set_chats', expect.stringMatching(/^show_(start|end)_typing$/), 'message_broadcast']);
    const broadcast = s.last<{ room: string; sender: { user_id: string } }>('n', 'message_broadcast');
    expect(broadcast.room).toBe(room._id);
    expect(room.participants.map((p) => p.user_id)).toContain(broadcast.sender.user_id);
    expect(broadcast.sender.user_id).not.toBe(user.user_id);
  });

  it.each(['messenger', 'rooms', 'marketplace', 'teamchat'] as const)('%s: at --chatter 40/s, a connected user gets valid events from fake peers', async (protocol) => {
    const s = await Session.start(protocol, { fill: 2, chatter: 40 });
    if (protocol === 'marketplace') {
      await s.connect('p', 3, { role: 'customer', namespace: '/presence' });
      await s.connect('u', 3, { role: 'customer', namespace: '/chat' });
    } else {
      await s.connect('u', protocol === 'messenger' ? 'u-ada' : '65e01d25c002d6508c631ad9');
    }
    const user = s.peer('u');
    await waitFor(() => user.log.length >= 12, 'chatter events', 5000);
    await control(s, 'PUT', '/_mock/config', { chatter: 0 });
    await s.settle();
    // Every payload valid (take checks them), and several kinds of events.
    const events = Object.values(s.take()).flat();
    expect(new Set(events).size).toBeGreaterThan(1);
  });
});
