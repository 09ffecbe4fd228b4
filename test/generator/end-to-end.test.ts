/**
 * Generated client bindings against generated server stubs, over real Socket.IO connections:
 * the stubs validate, check identity and route emits; the clients send and listen, typed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectMessenger, type MessengerClient } from '../../generated/messenger/client.js';
import { attachMessenger, messengerServerOptions, ProtocolError, type Handlers as MessengerRootHandlers } from '../../generated/messenger/server.js';
import { connectTeamchat } from '../../generated/teamchat/client.js';
import { attachTeamchat, type Handlers as TeamchatRootHandlers } from '../../generated/teamchat/server.js';
import { connectMarketplaceChat, connectMarketplacePresence } from '../../generated/marketplace/client.js';
import { attachMarketplace } from '../../generated/marketplace/server.js';
import { PayloadError } from '../../generated/runtime/errors.js';
import { nextEvent, startSocketServer, waitFor, type TestServer } from '../helpers/net.js';

/** A stand-in credential scheme: the token is the user id (JWT verification is the reference server's job). */
const authenticate = ({ token }: { token?: string }) => {
  if (!token) throw new ProtocolError('unauthenticated', 'a token is required');
  const [userId, role] = token.split('/');
  return { userId: userId!, attributes: role ? { type: role } : {} };
};

const servers: TestServer[] = [];
const clients: { close(): void }[] = [];
afterEach(async () => {
  clients.splice(0).forEach((c) => c.close());
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function messengerServer(handlers: Partial<MessengerRootHandlers> = {}) {
  const server = await startSocketServer(messengerServerOptions);
  servers.push(server);
  const calls: string[] = [];
  const root: MessengerRootHandlers = {
    sendMessage(payload, ctx) {
      calls.push(`sendMessage:${payload.messageid}`);
      ctx.emit('newMessage', { _id: 'm1', messageid: payload.messageid, senderid: ctx.userId, receiverid: payload.receiverid, message: payload.message }, ['actor', { user: payload.receiverid }]);
    },
    sendMedia: () => undefined,
    deleteMessage: () => undefined,
    seeMessage: () => undefined,
    ...handlers,
  };
  attachMessenger(server.io, { root }, { authenticate });
  return { server, calls };
}

function messengerClient(url: string, token: string, validate = false): MessengerClient {
  const client = connectMessenger(url, { auth: { token }, validate, socket: { transports: ['websocket'], reconnection: false } });
  clients.push(client);
  return client;
}

describe('generated messenger stub and client', () => {
  it('delivers a valid event to the handler, and its emits to the named recipients', async () => {
    const { server, calls } = await messengerServer();
    const ada = messengerClient(server.url, 'u-ada');
    const grace = messengerClient(server.url, 'u-grace');
    const bob = messengerClient(server.url, 'u-bob');
    await Promise.all([ada.ready(), grace.ready(), bob.ready()]);
    const bobGot = vi.fn();
    bob.on('newMessage', bobGot);
    const atGrace = nextEvent(grace.socket, 'newMessage');
    const atAda = nextEvent(ada.socket, 'newMessage');
    ada.sendMessage({ messageid: 'c1', senderid: 'u-ada', receiverid: 'u-grace', message: 'Hello' });
    expect(await atGrace).toMatchObject({ messageid: 'c1', senderid: 'u-ada', message: 'Hello' });
    expect(await atAda).toMatchObject({ messageid: 'c1' });
    expect(calls).toEqual(['sendMessage:c1']);
    expect(bobGot).not.toHaveBeenCalled();
  });

  it.each([
    ['a missing field', { messageid: 'c2', senderid: 'u-ada', message: 'Hi' }, 'receiverid', /receiverid is required/],
    ['a wrong type', { messageid: 'c2', senderid: 'u-ada', receiverid: 42, message: 'Hi' }, 'receiverid', /receiverid must be string/],
    ['an unknown field', { messageid: 'c2', senderid: 'u-ada', receiverid: 'u-grace', message: 'Hi', extra: 1 }, 'extra', /extra is not allowed/],
    ['an over-long text', { messageid: 'c2', senderid: 'u-ada', receiverid: 'u-grace', message: 'x'.repeat(5001) }, 'message', /message must NOT have more than 5000 characters/],
  ])('answers %s with the error event naming the field, skips the handler, keeps the socket', async (_name, payload, field, message) => {
    const { server, calls } = await messengerServer();
    const ada = messengerClient(server.url, 'u-ada');
    await ada.ready();
    const error = nextEvent<Record<string, unknown>>(ada.socket, 'error');
    ada.socket.emit('sendMessage', payload as never);
    expect(await error).toMatchObject({ event: 'sendMessage', statusCode: 400, field, message: expect.stringMatching(message) });
    expect(calls).toEqual([]);
    // The socket is still up and usable.
    const ok = nextEvent(ada.socket, 'newMessage');
    ada.sendMessage({ messageid: 'c3', senderid: 'u-ada', receiverid: 'u-grace', message: 'again' });
    await ok;
    expect(ada.socket.connected).toBe(true);
  });

  it('answers a file over its size limit with 413 payloadTooLarge, not a 400', async () => {
    const { server, calls } = await messengerServer({ sendMedia: () => void calls.push('sendMedia') });
    const ada = messengerClient(server.url, 'u-ada');
    await ada.ready();
    const error = nextEvent<Record<string, unknown>>(ada.socket, 'error', 10_000);
    ada.sendMedia({ messageid: 'm1', senderid: 'u-ada', receiverid: 'u-grace', mimeType: 'image/png', file: new Uint8Array(10 * 1024 * 1024 + 1) });
    expect(await error).toMatchObject({ event: 'sendMedia', statusCode: 413, field: 'file' });
    expect(calls).toEqual([]);
  });

  it('refuses a payload whose identity field is another user (403), without calling the handler', async () => {
    const { server, calls } = await messengerServer();
    const ada = messengerClient(server.url, 'u-ada');
    await ada.ready();
    const error = nextEvent<Record<string, unknown>>(ada.socket, 'error');
    ada.sendMessage({ messageid: 'c4', senderid: 'u-grace', receiverid: 'u-bob', message: 'I am Grace' });
    expect(await error).toMatchObject({ statusCode: 403, field: 'senderid' });
    expect(calls).toEqual([]);
  });

  it('turns a ProtocolError thrown by a handler into the error event, and a crash into a 500 without internals', async () => {
    const { server } = await messengerServer({
      deleteMessage: () => {
        throw new ProtocolError('notFound', 'no such message', 'chatid');
      },
      seeMessage: () => {
        throw new Error('database on fire');
      },
    });
    const ada = messengerClient(server.url, 'u-ada');
    await ada.ready();
    const first = nextEvent<Record<string, unknown>>(ada.socket, 'error');
    ada.deleteMessage({ chatid: 'm1', senderid: 'u-ada', receiverid: 'u-grace' });
    expect(await first).toEqual({ event: 'deleteMessage', statusCode: 404, message: 'no such message', field: 'chatid' });
    const second = nextEvent<Record<string, unknown>>(ada.socket, 'error');
    ada.seeMessage({ senderid: 'u-grace', userid: 'u-ada' });
    expect(await second).toEqual({ event: 'seeMessage', statusCode: 500, message: 'internal error' });
  });

  it('refuses a handshake without a credential with connect_error { status: 401 }', async () => {
    const { server } = await messengerServer();
    const anonymous = connectMessenger(server.url, { auth: { token: '' }, socket: { transports: ['websocket'], reconnection: false } });
    clients.push(anonymous);
    await expect(anonymous.ready()).rejects.toMatchObject({ data: { status: 401 } });
  });

  it('with validate: true, throws a PayloadError before sending an invalid payload', async () => {
    const { server, calls } = await messengerServer();
    const ada = messengerClient(server.url, 'u-ada', true);
    await ada.ready();
    expect(() => ada.sendMessage({ messageid: '', senderid: 'u-ada', receiverid: 'u-grace', message: 'x' })).toThrow(PayloadError);
    expect(calls).toEqual([]);
  });

  it('with validate: true, holds back an invalid server payload from listeners', async () => {
    const server = await startSocketServer();
    servers.push(server);
    const onInvalid = vi.fn();
    const ada = connectMessenger(server.url, { auth: { token: 'u-ada' }, validate: true, onInvalidPayload: onInvalid, socket: { transports: ['websocket'] } });
    clients.push(ada);
    server.io.on('connection', (s) => {
      s.emit('unreadMessagesCount', { count: -1 });
      s.emit('unreadMessagesCount', { count: 2 });
    });
    const listener = vi.fn();
    ada.on('unreadMessagesCount', listener);
    await waitFor(() => listener.mock.calls.length === 1 && onInvalid.mock.calls.length === 1, 'both payloads');
    expect(listener).toHaveBeenCalledWith({ count: 2 });
    expect(onInvalid.mock.calls[0]![0]).toBe('unreadMessagesCount');
  });
});

describe('generated teamchat stub and client: dynamic event names', () => {
  it('emits an event named after its recipient to that user only', async () => {
    const server = await startSocketServer();
    servers.push(server);
    const root: TeamchatRootHandlers = {
      connectRooms: (_p, ctx) => ctx.emit('connectRooms', [], 'socket'),
      sendMessage: () => undefined,
      typing: () => undefined,
      sendNewMessage: (p, ctx) => {
        for (const id of p.recipient_id) {
          ctx.emitUserMessage({ userId: id }, { _id: 'a1b2c3', room_id: 'r1', message: p.message.message ?? '', message_type: 'text', attachments: [], sender_id: ctx.userId, recipients: [{ _id: id, msg_seen: false }], dateCreated: '2024-05-15T07:19:36.621Z' } as never, { user: id });
        }
      },
      createGroup: () => undefined,
      deleteMessage: () => undefined,
      editMessage: () => undefined,
      messageSeen: () => undefined,
      pinMessage: () => undefined,
    };
    attachTeamchat(server.io, { root }, { authenticate, validateOutgoing: false });
    const opts = (token: string) => ({ auth: { token }, socket: { transports: ['websocket'] as string[], reconnection: false } });
    const [a, b, c] = ['u1', 'u2', 'u3'].map((u) => connectTeamchat(server.url, opts(u)));
    clients.push(a!, b!, c!);
    await Promise.all([a!.ready(), b!.ready(), c!.ready()]);
    const atB = new Promise((resolve) => b!.onUserMessage({ userId: 'u2' }, resolve));
    const cGot = vi.fn();
    c!.onUserMessage({ userId: 'u2' }, cGot); // listening on another user's name must give nothing
    c!.onUserMessage({ userId: 'u3' }, cGot);
    a!.sendNewMessage({ room_name: 'x', type: 'peer-to-peer', recipient_id: ['u2'], user_name: 'A', image_url: 'https://example.com/a.png', message: { message: 'hi', sender_id: 'u1', message_type: 'text', attachments: [] } } as never);
    expect(await atB).toMatchObject({ message: 'hi', sender_id: 'u1' });
    expect(cGot).not.toHaveBeenCalled();
  });
});

describe('generated marketplace stub: two namespaces, error event on handshake failure', () => {
  it('answers a bad token on /chat with appError 401 and closes the connection', async () => {
    const server = await startSocketServer();
    servers.push(server);
    attachMarketplace(
      server.io,
      {
        presence: {},
        chat: { joinChat() {}, joinRooms() {}, sendMessage() {}, markAsRead() {}, deleteMessage() {}, typing() {}, stoppedTyping() {}, getUserChats() {} },
      },
      { authenticate, isOnline: () => true },
    );
    const chat = connectMarketplaceChat(server.url, { auth: { token: '' }, socket: { transports: ['websocket'], reconnection: false } });
    clients.push(chat);
    const appError = nextEvent<Record<string, unknown>>(chat.socket, 'appError');
    const closed = nextEvent(chat.socket, 'disconnect');
    expect(await appError).toMatchObject({ error: true, statusCode: 401 });
    await closed;
  });

  it('refuses a role the namespace does not admit, and admits it where it may', async () => {
    const server = await startSocketServer();
    servers.push(server);
    attachMarketplace(server.io, { presence: {}, chat: {} as never }, { authenticate, isOnline: () => true });
    const admin = connectMarketplaceChat(server.url, { auth: { token: '7/admin' }, socket: { transports: ['websocket'], reconnection: false } });
    const adminPresence = connectMarketplacePresence(server.url, { auth: { token: '7/admin' }, socket: { transports: ['websocket'], reconnection: false } });
    clients.push(admin, adminPresence);
    expect(await nextEvent<Record<string, unknown>>(admin.socket, 'appError')).toMatchObject({ statusCode: 403 });
    await adminPresence.ready();
    expect(adminPresence.socket.connected).toBe(true);
  });
});
