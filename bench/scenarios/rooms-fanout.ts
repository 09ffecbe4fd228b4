/**
 * rooms-fanout: one sender in a group room of 100 members (the sender included), rooms
 * `new_message` → `message_broadcast` to every member's socket; against a plain Socket.IO server
 * doing the same broadcast (`io.to(room).emit('message_broadcast', …)`, a payload of the same
 * shape, no validation, storage or auth) in the same run.
 *
 * Target: the reference server delivers at least 70% of the plain server's deliveries per
 * second, with every message stored (checked: the room's last seq equals the messages sent).
 *
 * The method is teamchat-fanout's, so that the figures compare: each server runs alone in a
 * child process (this file, run with PARLEY_BENCH_ROLE), so that the 100 clients, here, do not
 * share its event loop (2-core machine); the two servers alternate for several rounds and the
 * medians are reported. Clients send what the original rooms app sends: `connected`, then
 * `get_chats` (answered once the socket is in its rooms), then the messages. Everything is on
 * 127.0.0.1, bounded in messages and time, and stopped at the end.
 *
 * To see where a server's time goes: `PARLEY_BENCH_PROFILE=/tmp/prof npm run bench -- --only
 * rooms-fanout --quick` writes a V8 CPU profile of each server child's measured window there.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server } from 'socket.io';
import { reply, serveChild, stopChild, type Row, type Stats } from '../lib/child.js';
import { io as connect, type Socket } from 'socket.io-client';

export const name = 'rooms-fanout';

const MEMBERS = 100;
/** Messages the sender may have sent and not yet seen broadcast back (the members get them meanwhile). */
const WINDOW = 32;
const TARGET = 0.7;
const KEY = { algorithm: 'HS256' as const, secret: 'parley-bench-secret-0123456789abcdef' };
const TEXT = 'lorem ipsum dolor sit amet '.repeat(2);


interface WireUser {
  user_id: string;
  email: string;
  name: string;
}

/** What a server child reports when it listens. */
interface Ready {
  type: 'ready';
  url: string;
  room: string;
  /** Tokens by member (the reference server); the plain server takes anyone. */
  tokens?: string[];
}


interface RoundResult {
  deliveriesPerSecond: number;
  messagesPerSecond: number;
  p50: number;
  p99: number;
  cpuPerMessage: number;
  /** This process's CPU time per message: the 100 clients decoding the broadcasts. */
  clientCpuPerMessage: number;
  stored: number;
}

const members: WireUser[] = Array.from({ length: MEMBERS }, (_, i) => {
  const id = `bench-user-${String(i).padStart(3, '0')}`;
  return { user_id: id, email: `${id}@example.com`, name: `Bench ${i}` };
});

export async function run(options: { quick: boolean }): Promise<Row[]> {
  const messages = options.quick ? 300 : 2_000;
  const rounds = options.quick ? 1 : 3;
  const plain: RoundResult[] = [];
  const parley: RoundResult[] = [];
  for (let round = 0; round < rounds; round++) {
    // Alternate which goes first: drift of the shared machine then hits both alike.
    const order: Array<'plain' | 'parley'> = round % 2 === 0 ? ['plain', 'parley'] : ['parley', 'plain'];
    for (const role of order) {
      (role === 'plain' ? plain : parley).push(await measure(role, messages, options.quick ? 30_000 : 90_000));
    }
  }
  const median = (xs: RoundResult[], pick: (r: RoundResult) => number) =>
    [...xs.map(pick)].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const allStored = parley.every((r) => r.stored === messages);
  const ratio = median(parley, (r) => r.deliveriesPerSecond) / median(plain, (r) => r.deliveriesPerSecond);
  const scenario = `${name} (${MEMBERS} members, ${messages} msgs × ${rounds})`;
  const fixed = (n: number, digits = 0) => n.toFixed(digits);
  return [
    {
      scenario,
      metric: 'deliveries/s',
      parley: fixed(median(parley, (r) => r.deliveriesPerSecond)),
      plain: fixed(median(plain, (r) => r.deliveriesPerSecond)),
      ratio: fixed(ratio, 2),
      target: `≥ ${TARGET}, every message stored`,
      met: ratio >= TARGET && allStored,
    },
    { scenario, metric: 'messages stored / sent', parley: `${Math.min(...parley.map((r) => r.stored))} / ${messages}`, plain: 'not stored' },
    {
      scenario,
      metric: 'messages/s',
      parley: fixed(median(parley, (r) => r.messagesPerSecond)),
      plain: fixed(median(plain, (r) => r.messagesPerSecond)),
    },
    {
      scenario,
      metric: 'p50 / p99 fan-out latency (ms)',
      parley: `${fixed(median(parley, (r) => r.p50), 1)} / ${fixed(median(parley, (r) => r.p99), 1)}`,
      plain: `${fixed(median(plain, (r) => r.p50), 1)} / ${fixed(median(plain, (r) => r.p99), 1)}`,
    },
    {
      scenario,
      metric: 'server CPU per message (µs)',
      parley: fixed(median(parley, (r) => r.cpuPerMessage)),
      plain: fixed(median(plain, (r) => r.cpuPerMessage)),
      ratio: fixed(median(parley, (r) => r.cpuPerMessage) / median(plain, (r) => r.cpuPerMessage), 2),
    },
    {
      scenario,
      metric: 'client CPU per message (µs, 100 clients)',
      parley: fixed(median(parley, (r) => r.clientCpuPerMessage)),
      plain: fixed(median(plain, (r) => r.clientCpuPerMessage)),
    },
  ];
}

/** One round against a fresh server child of `role`. */
async function measure(role: 'plain' | 'parley', messages: number, timeLimitMs: number): Promise<RoundResult> {
  const child = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, PARLEY_BENCH_ROLE: role, LOG_LEVEL: 'silent', NODE_ENV: 'production' },
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const sockets: Socket[] = [];
  try {
    const ready = await reply<Ready>(child, 'ready', 60_000);
    await Promise.all(members.map((user, i) => joinMember(ready, user, ready.tokens?.[i], sockets)));

    const sentAt = new Float64Array(messages);
    const lastAt = new Float64Array(messages);
    let delivered = 0;
    let echoed = 0;
    let sent = 0;
    const sender = sockets[0]!;
    const senderUser = members[0]!;
    // The child's CPU is counted from here.
    child.send({ type: 'start' });
    await reply(child, 'started', 10_000);
    const clientCpu = process.cpuUsage();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${role}: ${delivered} of ${messages * MEMBERS} deliveries in ${timeLimitMs} ms`)),
        timeLimitMs,
      );
      const sendMore = () => {
        while (sent < messages && sent - echoed < WINDOW) {
          sentAt[sent] = performance.now();
          sender.emit('new_message', {
            room: ready.room,
            message_body: `${sent} ${TEXT}`,
            type: 'USER_TEXT_MESSAGE',
            user: senderUser,
            client_id: `c-${sent}`,
          });
          sent++;
        }
      };
      for (const socket of sockets) {
        socket.on('error', (e: unknown) => reject(new Error(`${role}: error event ${JSON.stringify(e)}`)));
        socket.on('message_broadcast', (payload: { message_body: { message_body: string } }) => {
          lastAt[Number.parseInt(payload.message_body.message_body, 10)] = performance.now();
          delivered++;
          if (socket === sender) {
            echoed++;
            sendMore();
          }
          if (delivered === messages * MEMBERS) {
            clearTimeout(timer);
            resolve();
          }
        });
      }
      sendMore();
    });
    const elapsed = (Math.max(...lastAt) - sentAt[0]!) / 1000;
    const clientUsed = process.cpuUsage(clientCpu);
    child.send({ type: 'stats' });
    const stats = await reply<Stats>(child, 'stats', 30_000);
    const latencies = Array.from(lastAt, (t, i) => t - sentAt[i]!).sort((a, b) => a - b);
    return {
      deliveriesPerSecond: (messages * MEMBERS) / elapsed,
      messagesPerSecond: messages / elapsed,
      p50: latencies[Math.floor(latencies.length * 0.5)]!,
      p99: latencies[Math.floor(latencies.length * 0.99)]!,
      cpuPerMessage: stats.cpuMicros / messages,
      clientCpuPerMessage: (clientUsed.user + clientUsed.system) / messages,
      stored: stats.stored,
    };
  } finally {
    for (const socket of sockets) socket.disconnect();
    await stopChild(child);
  }
}


/** Connects a member as the rooms app does (`connected`, then `get_chats`); resolves once it is in its rooms. */
async function joinMember(ready: Ready, user: WireUser, token: string | undefined, sockets: Socket[]): Promise<void> {
  const socket = connect(ready.url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(token === undefined ? {} : { auth: { token } }),
  });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  socket.emit('connected', { user, sid: socket.io.engine.id });
  // Events are handled in order per socket: the answer comes once `connected` is done.
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no set_chats for ${user.user_id}`)), 30_000);
    socket.once('set_chats', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.emit('get_chats', { user });
  });
}



// ---------------------------------------------------------------------------------------------
// The server children.

/** The plain server: the same broadcast with no validation, storage or auth. */
async function servePlain(): Promise<void> {
  const http = createServer();
  const io = new Server(http, { serveClient: false, maxHttpBufferSize: 1_000_000, allowEIO3: true });
  const room = 'bench-room';
  let broadcast = 0;
  io.on('connection', (socket) => {
    socket.on('connected', () => void socket.join(room));
    socket.on('get_chats', () => socket.emit('set_chats', { chats: [] }));
    socket.on('new_message', (p: { room: string; message_body: string; type: string; user: WireUser; client_id?: string }) => {
      const timestamp = new Date().toISOString();
      io.to(p.room).emit('message_broadcast', {
        room: p.room,
        message_body: { _id: (++broadcast).toString(16).padStart(24, '0'), room: p.room, message_body: p.message_body, type: p.type, user: p.user, timestamp },
        timestamp,
        sender: p.user,
        client_id: p.client_id,
      });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  serveChild({ type: 'ready', url, room }, async () => broadcast, () => new Promise<void>((resolve) => void io.close(() => resolve())));
}

/** The reference server on a fresh SQLite store, outgoing validation off (as in production). */
async function serveParley(): Promise<void> {
  const { ChatCore } = await import('../../src/core/chat-core.js');
  const { startProtocolServer } = await import('../../src/server/protocol-server.js');
  const { createLogger } = await import('../../src/server/logger.js');
  const { mintToken } = await import('../../src/auth/tokens.js');
  const { buildModel } = await import('../../src/spec/model.js');
  const { readSpecFile } = await import('../../src/spec/source.js');
  const { specPathOf } = await import('../../src/server/protocols.js');

  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-rooms-'));
  const core = await ChatCore.open(`sqlite:${join(dir, 'parley.db')}`);
  const server = await startProtocolServer({
    protocol: 'rooms',
    port: 0,
    core,
    auth: { key: KEY, mode: 'jwt' },
    logger: createLogger({ level: 'silent' }),
    validateOutgoing: false,
    // A throughput benchmark: rate limits are measured by the flood scenario, not here.
    flowControl: false,
  });
  const ids = members.map((m) => m.user_id);
  const users = await core.ensureUsers('rooms', ids);
  const creator = users.get(ids[0]!)!;
  const group = await core.createGroup({ creatorId: creator.id, name: 'Bench room', memberIds: ids.slice(1).map((id) => users.get(id)!.id) });
  const model = buildModel(readSpecFile(specPathOf('rooms')));
  const tokens = await Promise.all(members.map((m) => mintToken(model, KEY, { user: m.user_id, claims: { name: m.name, email: m.email } })));
  const room = group.conversation.id;
  serveChild(
    { type: 'ready', url: server.url, room, tokens },
    async () => (await core.getConversation(creator.id, room)).conversation.lastSeq,
    async () => {
      await server.close();
      await core.close();
      rmSync(dir, { recursive: true, force: true });
    },
  );
}


const role = process.env.PARLEY_BENCH_ROLE;
if (role === 'plain') await servePlain();
else if (role === 'parley') await serveParley();
