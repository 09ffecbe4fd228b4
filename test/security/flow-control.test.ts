/**
 * Flow control on a real server: a socket over its rate gets the protocol's error event with 429
 * and stays up; one that keeps flooding is disconnected while other users are still served; a
 * long-polling request with too many packets closes its session unread. Rates are set low here
 * so that the suite needs few events; the defaults are unit-tested in test/runtime.
 */
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/net.js';
import { startTestServer, type TestProtocolServer } from '../helpers/servers.js';
import { sqliteBackend } from '../storage/backends.js';

interface Client {
  readonly socket: Socket;
  readonly log: { event: string; payload: Record<string, unknown> }[];
}

describe('flow control (messenger)', () => {
  const backend = sqliteBackend();
  let server: TestProtocolServer;
  const opened: Socket[] = [];
  beforeAll(async () => {
    server = await startTestServer('messenger', backend, {
      flowControl: { socket: { rate: 5, burst: 10 }, user: { rate: 100, burst: 100 }, refusals: { rate: 1, burst: 5 }, events: { seeMessage: { rate: 1, burst: 2 } } },
    });
  });
  afterEach(() => opened.splice(0).forEach((s) => s.close()));
  afterAll(async () => {
    await server.close();
    await backend.cleanup();
  });

  async function connect(user: string): Promise<Client> {
    const socket = io(server.url, { auth: { token: await server.token(user) }, transports: ['websocket'], reconnection: false, forceNew: true });
    opened.push(socket);
    const log: Client['log'] = [];
    socket.onAny((event: string, payload: Record<string, unknown>) => log.push({ event, payload }));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return { socket, log };
  }
  const send = (c: Client, from: string, to: string, i: number) => c.socket.emit('sendMessage', { messageid: `m-${from}-${i}`, senderid: from, receiverid: to, message: `hello ${i}` });
  const errors = (c: Client) => c.log.filter((r) => r.event === 'error').map((r) => r.payload);

  it('refuses events over the rate with 429 naming the event; the socket stays up and is served again later', async () => {
    const ada = await connect('ada');
    await connect('grace');
    for (let i = 0; i < 12; i++) send(ada, 'ada', 'grace', i);
    await waitFor(() => ada.log.filter((r) => r.event === 'newMessage').length === 10 && errors(ada).length === 2, '10 messages and 2 refusals');
    expect(errors(ada)).toEqual([
      { event: 'sendMessage', statusCode: 429, message: expect.stringMatching(/rate limit: at most 5 events\/s \(burst 10\) per connection/) },
      { event: 'sendMessage', statusCode: 429, message: expect.stringMatching(/rate limit/) },
    ]);
    expect(ada.socket.connected).toBe(true);
    // Refills come with time, not with any event to wait for: 0.45 s at 5/s is two tokens.
    await new Promise((r) => setTimeout(r, 450));
    send(ada, 'ada', 'grace', 99);
    await waitFor(() => ada.log.some((r) => r.event === 'newMessage' && r.payload.messageid === 'm-ada-99'), 'the refilled bucket to admit a message');
  });

  it('limits one event more tightly where configured, without taking from the others', async () => {
    const bob = await connect('bob');
    await connect('grace');
    for (let i = 0; i < 3; i++) bob.socket.emit('seeMessage', { senderid: 'someone', userid: 'bob' });
    send(bob, 'bob', 'grace', 1);
    // The first two are handled (the sender is unknown: whatever the answer, it is not a 429).
    await waitFor(() => errors(bob).length === 3, "three answers");
    expect(errors(bob).filter((e) => e.statusCode === 429)).toHaveLength(1);
    expect(errors(bob).find((e) => e.statusCode === 429)).toMatchObject({ event: 'seeMessage', statusCode: 429, message: expect.stringMatching(/for 'seeMessage'/) });
    await waitFor(() => bob.log.some((r) => r.event === 'newMessage'), 'a sendMessage admitted after the refused seeMessage');
  });

  it('disconnects a socket that keeps flooding; stored is exactly what was answered, at most the burst; other users are served throughout', async () => {
    const mallory = await connect('mallory');
    const carol = await connect('carol');
    await connect('dave');
    const before = await server.core.database.read(async (db) => Number((await db.selectFrom('messages').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n));
    const gone = new Promise<string>((resolve) => mallory.socket.once('disconnect', resolve));
    for (let i = 0; i < 2000; i++) send(mallory, 'mallory', 'dave', i);
    expect(await gone).toBe('io server disconnect');
    // Burst 10 admitted, then 5 refusals answered with 429, then the cut.
    expect(errors(mallory)).toHaveLength(5);
    send(carol, 'carol', 'dave', 1);
    await waitFor(() => carol.log.some((r) => r.event === 'newMessage'), "carol's message answered");
    const after = await server.core.database.read(async (db) => Number((await db.selectFrom('messages').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n));
    // Admitted events still queued when the socket was cut are dropped unanswered, as for any disconnect.
    const answered = mallory.log.filter((r) => r.event === 'newMessage').length;
    expect(answered).toBeLessThanOrEqual(10);
    expect(after - before).toBe(answered + 1);
  });

  it('counts unknown events against the same rate', async () => {
    const erin = await connect('erin');
    for (let i = 0; i < 12; i++) erin.socket.emit('noSuchEvent', {});
    await waitFor(() => errors(erin).length === 12, '12 answers');
    expect(errors(erin).filter((e) => e.statusCode === 400)).toHaveLength(10);
    expect(errors(erin).filter((e) => e.statusCode === 429)).toHaveLength(2);
  });

  it('closes a long-polling session whose request carries too many packets, without reading them', async () => {
    const token = await server.token('frank');
    const open = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`);
    const sid = (JSON.parse((await open.text()).slice(1)) as { sid: string }).sid;
    const post = (body: string) => fetch(`${server.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`, { method: 'POST', body, headers: { 'content-type': 'text/plain;charset=UTF-8' } });
    expect((await post(`40${JSON.stringify({ token })}`)).status).toBe(200);
    const flood = Array.from({ length: 10_000 }, (_, i) => `42["sendMessage",{"messageid":"p${i}","senderid":"frank","receiverid":"dave","message":"x"}]`).join('\x1e');
    await post(flood);
    // The session is gone: the next poll is refused as an unknown session.
    const poll = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`);
    expect(poll.status).toBe(400);
    const stored = await server.core.database.read(async (db) => (await db.selectFrom('messages').select('id').where('client_id', 'like', 'p%').execute()).length);
    expect(stored).toBe(0);
  });
});
