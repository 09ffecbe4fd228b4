/**
 * The wire hook: its packet codec (against socket.io-parser's own encoder and decoder) and the
 * hook on a real Socket.IO server with a real client: rewriting an emit and a broadcast (whose
 * pre-encoded WebSocket frame must not win), dropping, duplicating, rewriting what a client sends,
 * and knowing a connection's namespaces and user.
 */
import { Decoder, Encoder, type Packet } from 'socket.io-parser';
import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { recordEvents, startSocketServer, waitFor, type TestServer } from '../../helpers/net.js';
import { decodePacket, encodePacket, eventOf, eventPacket, PacketType, Wire, WireDecodeError, withPayload, type WirePacket } from './wire.js';

const CASES: [string, { text: string; packet: WirePacket }][] = [
  ['event on /', { text: '2["newMessage",{"a":1}]', packet: { type: 2, nsp: '/', data: ['newMessage', { a: 1 }] } }],
  ['event on a namespace', { text: '2/chat,["typing",{"chatId":"c1"}]', packet: { type: 2, nsp: '/chat', data: ['typing', { chatId: 'c1' }] } }],
  ['event with an ack id', { text: '2/chat,17["x",null]', packet: { type: 2, nsp: '/chat', id: 17, data: ['x', null] } }],
  ['ack on /', { text: '34[{"ok":true}]', packet: { type: 3, nsp: '/', id: 4, data: [{ ok: true }] } }],
  ['connect with auth', { text: '0/chat,{"token":"t"}', packet: { type: 0, nsp: '/chat', data: { token: 't' } } }],
  ['connect without auth', { text: '0', packet: { type: 0, nsp: '/' } }],
  ['connect answer', { text: '0{"sid":"abc"}', packet: { type: 0, nsp: '/', data: { sid: 'abc' } } }],
  ['disconnect of a namespace', { text: '1/presence,', packet: { type: 1, nsp: '/presence' } }],
  ['connect error', { text: '4{"message":"no","data":{"status":401}}', packet: { type: 4, nsp: '/', data: { message: 'no', data: { status: 401 } } } }],
  ['binary event header', { text: '51-/chat,["sendMedia",{"_placeholder":true,"num":0}]', packet: { type: 5, nsp: '/chat', attachments: 1, data: ['sendMedia', { _placeholder: true, num: 0 }] } }],
  ['unicode and escapes', { text: '2["m",{"t":"é🙂\\n\\u0000"}]', packet: { type: 2, nsp: '/', data: ['m', { t: 'é🙂\n\u0000' }] } }],
];

describe('packet codec', () => {
  it.each(CASES)('decodes %s', (_name, { text, packet }) => {
    expect(decodePacket(text)).toEqual(packet);
  });

  it.each(CASES)('encodes %s back to the same text', (_name, { text, packet }) => {
    expect(encodePacket(packet)).toBe(text);
  });

  it.each(CASES.filter(([, c]) => c.packet.type !== PacketType.BINARY_EVENT))('writes %s as socket.io-parser does', (_name, { packet }) => {
    const theirs = new Encoder().encode({ ...packet, data: packet.data } as Packet);
    expect(theirs).toEqual([encodePacket(packet)]);
  });

  it.each(CASES.filter(([, c]) => c.packet.type !== PacketType.BINARY_EVENT))('reads %s as socket.io-parser does', (_name, { text }) => {
    const decoder = new Decoder();
    let theirs: unknown;
    decoder.on('decoded', (p: unknown) => (theirs = p));
    decoder.add(text);
    expect(decodePacket(text)).toEqual(JSON.parse(JSON.stringify(theirs)));
  });

  it.each([['empty', ''], ['not a type', 'x["a"]'], ['type out of range', '9'], ['bad JSON', '2["a"'], ['binary without count', '5["a"]']])('refuses %s', (_name, text) => {
    expect(() => decodePacket(text)).toThrow(WireDecodeError);
  });

  it('reads and rewrites events', () => {
    const p = decodePacket('2/chat,["receiveMessage",{"n":1}]');
    expect(eventOf(p)).toEqual({ name: 'receiveMessage', payload: { n: 1 } });
    expect(encodePacket(withPayload(p, { n: 2 }))).toBe('2/chat,["receiveMessage",{"n":2}]');
    expect(encodePacket(withPayload(p, { n: 2 }, 'other'))).toBe('2/chat,["other",{"n":2}]');
    expect(encodePacket(eventPacket('/', 'x', { a: [] }))).toBe('2["x",{"a":[]}]');
    expect(eventOf(decodePacket('0{"sid":"a"}'))).toBeUndefined();
  });
});

describe('the hook on a running server', () => {
  let server: TestServer | undefined;
  const clients: Socket[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await server?.close();
    server = undefined;
  });

  const client = (nsp = '/', auth: Record<string, unknown> = {}) => {
    const socket = connect(`${server!.url}${nsp}`, { transports: ['websocket'], forceNew: true, reconnection: false, auth });
    clients.push(socket);
    return socket;
  };

  it('rewrites, drops and duplicates outgoing events, broadcasts included', async () => {
    server = await startSocketServer();
    const wire = Wire.attach(server.io, {
      outgoing(p) {
        const e = eventOf(p);
        if (e?.name === 'hello') return [withPayload(p, { rewritten: true })];
        if (e?.name === 'secret') return [];
        if (e?.name === 'twice') return [p, p];
        return [p];
      },
    });
    server.io.on('connection', (s) => s.on('go', () => {
      s.emit('hello', { rewritten: false });
      s.emit('secret', {});
      s.emit('twice', 1);
      server!.io.emit('hello', { broadcast: true });
      s.emit('done');
    }));
    const a = client();
    const log = recordEvents(a);
    await waitFor(() => a.connected, 'connect');
    a.emit('go');
    await waitFor(() => log.some((r) => r.event === 'done'), 'done');
    expect(log).toEqual([
      { event: 'hello', payload: { rewritten: true } },
      { event: 'twice', payload: 1 },
      { event: 'twice', payload: 1 },
      { event: 'hello', payload: { rewritten: true } },
      { event: 'done', payload: undefined },
    ]);
    expect(wire.stats.errors).toEqual([]);
    expect(wire.stats.outgoingChanged).toBe(4);
  });

  it('rewrites and swallows what a client sends, and knows its namespaces and user', async () => {
    server = await startSocketServer();
    const wire = Wire.attach(server.io, {
      incoming(p) {
        const e = eventOf(p);
        if (e?.name === 'ping-me') return [withPayload(p, 'rewritten')];
        if (e?.name === 'drop-me') return [];
        if (p.type === PacketType.CONNECT) return [{ ...p, data: { ...(p.data as object), injected: true } }];
        return [p];
      },
    });
    const auths: unknown[] = [];
    const got: unknown[] = [];
    for (const nsp of ['/', '/chat']) {
      server.io.of(nsp).on('connection', (s) => {
        auths.push(s.handshake.auth);
        s.onAny((event: string, payload: unknown) => got.push([event, payload]));
      });
    }
    const claims = Buffer.from(JSON.stringify({ sub: 'ada' })).toString('base64url');
    const a = client('/chat', { token: `h.${claims}.s` });
    await waitFor(() => a.connected, 'connect');
    a.emit('drop-me', 1);
    a.emit('ping-me', 'original');
    await waitFor(() => got.length > 0, 'an event at the server');
    expect(got).toEqual([['ping-me', 'rewritten']]);
    expect(auths).toEqual([{ token: `h.${claims}.s`, injected: true }]);
    expect(wire.conns().map((c) => [[...c.namespaces], c.claims])).toEqual([[['/chat'], { sub: 'ada' }]]);
    expect(wire.lastIncoming(['ping-me', 'drop-me'])?.name).toBe('ping-me');
  });
});
