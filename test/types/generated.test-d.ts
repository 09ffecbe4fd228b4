/**
 * Type tests of the generated code, checked by `tsc` in `npm run lint` (part of `npm test`):
 * handlers, emit helpers and client methods are typed from the spec, and a wrong payload does
 * not compile (each `@ts-expect-error` fails the build if the line below it ever compiles).
 */
import { expectTypeOf } from 'vitest';
import type { Server } from 'socket.io';
import type { Socket } from 'socket.io-client';
import { connectMessenger, type MessengerClient } from '../../generated/messenger/client.js';
import { attachMessenger, type Context, type Handlers } from '../../generated/messenger/server.js';
import type { ClientToServerEvents, NewMessagePayload, SendMessagePayload, ServerToClientEvents, Thread } from '../../generated/messenger/types.js';
import { connectTeamchat } from '../../generated/teamchat/client.js';
import type { Context as TeamchatContext } from '../../generated/teamchat/server.js';
import { connectMarketplaceChat } from '../../generated/marketplace/client.js';
import type { ChatServerToClientEvents } from '../../generated/marketplace/types.js';

declare const io: Server;
declare const ctx: Context;
declare const teamchat: TeamchatContext;

// Handlers receive the typed payload and context, for every client event.
expectTypeOf<Handlers['sendMessage']>().parameters.toEqualTypeOf<[SendMessagePayload, Context]>();
expectTypeOf<SendMessagePayload>().toEqualTypeOf<{ messageid: string; senderid: string; receiverid: string; message: string }>();
expectTypeOf<Thread['participants'][number]['is_online']>().toEqualTypeOf<'0' | '1'>();

// The event maps plug into socket.io-client's generics.
expectTypeOf<MessengerClient['socket']>().toEqualTypeOf<Socket<ServerToClientEvents, ClientToServerEvents>>();

attachMessenger(io, { root: { sendMessage() {}, sendMedia() {}, deleteMessage() {}, seeMessage() {} } }, { authenticate: () => ({ userId: 'u' }) });
// @ts-expect-error: a handler is missing.
attachMessenger(io, { root: { sendMessage() {}, sendMedia() {}, deleteMessage() {} } }, { authenticate: () => ({ userId: 'u' }) });

// Emit helpers take the event's payload type, and recipients from the vocabulary.
ctx.emit('unreadMessagesCount', { count: 1 }, { user: 'u-grace' });
ctx.emit('newMessage', {} as NewMessagePayload, ['actor', { user: 'u-grace' }]);
// @ts-expect-error: count must be a number.
ctx.emit('unreadMessagesCount', { count: '1' }, 'actor');
// @ts-expect-error: not a server event of this protocol.
ctx.emit('sendMessage', {} as SendMessagePayload, 'actor');
// @ts-expect-error: not a recipient.
ctx.emit('unreadMessagesCount', { count: 1 }, 'everyone');

// Dynamic names get typed helpers.
expectTypeOf(teamchat.emitGroupCreated).parameter(0).toEqualTypeOf<{ readonly userId: string }>();
// @ts-expect-error: the helper needs its name parameter.
teamchat.emitUserMessage({}, {} as never, 'actor');

// Client methods: one per client event, typed payloads, typed listeners.
const client = connectMessenger('http://localhost:4100', { auth: { token: 't' } });
client.sendMessage({ messageid: 'c1', senderid: 'a', receiverid: 'b', message: 'hi' });
// @ts-expect-error: receiverid is missing.
client.sendMessage({ messageid: 'c1', senderid: 'a', message: 'hi' });
// @ts-expect-error: a field the spec does not have.
client.seeMessage({ senderid: 'a', userid: 'b', extra: true });
client.on('newMessage', (payload) => expectTypeOf(payload).toEqualTypeOf<NewMessagePayload>());
// @ts-expect-error: not a server event.
client.on('sendMessage', () => {});
// @ts-expect-error: the handshake credential has the spec's shape.
connectMessenger('http://localhost:4100', { auth: { password: 'x' } });

const team = connectTeamchat('http://localhost:4400', { auth: { token: 't' } });
team.onGroupCreated({ userId: 'u1' }, (room) => expectTypeOf(room.recipients).toEqualTypeOf<string[]>());
const chat = connectMarketplaceChat('http://localhost:4300', { auth: { token: 't' } });
chat.on('receiveMessage', (p) => expectTypeOf(p).toEqualTypeOf<Parameters<ChatServerToClientEvents['receiveMessage']>[0]>());
