/**
 * teamchat-fanout: one sender, a room of 100 members (the sender included), teamchat
 * `sendMessage` → `message` to every member; against a plain Socket.IO server doing the same
 * broadcast (`io.to(room).emit('message', …)` with a payload of the same shape) in the same run.
 *
 * Target: the reference server delivers at least 70% of the plain server's deliveries per second,
 * with every message stored (checked: the room's last seq equals the messages sent).
 *
 * Each server runs in a child process of its own (this file, run with PARLEY_BENCH_ROLE), so the
 * 100 clients, in this process, do not share a core's event loop with it (2-core machine). The
 * plain and reference servers alternate for several rounds; medians are reported. Everything is
 * on 127.0.0.1, bounded in messages and time, and stopped at the end.
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

export const name = 'teamchat-fanout';

const MEMBERS = 100;
/** Messages the sender may have sent and not yet seen echoed (the room's members get them meanwhile). */
const WINDOW = 32;
const TARGET = 0.7;
const KEY = { algorithm: 'HS256' as const, secret: 'parley-bench-secret-0123456789abcdef' };


/** What a server child reports when ready. */
interface Ready {
  type: 'ready';
  url: string;
  room: string;
  users: string[];
  tokens?: string[];
}


interface RoundResult {
  deliveriesPerSecond: number;
  messagesPerSecond: number;
  p50: number;
  p99: number;
  cpuPerMessage: number;
  stored: number;
}

const userIds = Array.from({ length: MEMBERS }, (_, i) => `bench-user-${String(i).padStart(3, '0')}`);

export async function run(options: { quick: boolean }): Promise<Row[]> {
  const messages = options.quick ? 300 : 1_000;
  const rounds = options.quick ? 1 : 3;
  const plain: RoundResult[] = [];
  const parley: RoundResult[] = [];
  for (let round = 0; round < rounds; round++) {
    // Alternate which goes first: drift of the shared machine then hits both alike.
    const order: Array<'plain' | 'parley'> = round % 2 === 0 ? ['plain', 'parley'] : ['parley', 'plain'];
    for (const role of order) (role === 'plain' ? plain : parley).push(await measure(role, messages, options.quick ? 30_000 : 90_000));
  }
  const median = (xs: RoundResult[], pick: (r: RoundResult) => number) =>
    [...xs.map(pick)].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const allStored = parley.every((r) => r.stored === messages);
  const ratio = median(parley, (r) => r.deliveriesPerSecond) / median(plain, (r) => r.deliveriesPerSecond);
  const scenario = `${name} (${MEMBERS} members, ${messages} msgs × ${rounds})`;
  const fixed = (n: number, digits = 0) => n.toFixed(digits);
  const latency = (rs: RoundResult[]) => [median(rs, (r) => r.p50), median(rs, (r) => r.p99)].map((ms) => ms.toFixed(1)).join(' / ');
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
    {
      scenario,
      metric: 'messages stored / sent',
      parley: `${Math.min(...parley.map((r) => r.stored))} / ${messages}`,
      plain: 'not stored',
    },
    {
      scenario,
      metric: 'messages/s',
      parley: fixed(median(parley, (r) => r.messagesPerSecond)),
      plain: fixed(median(plain, (r) => r.messagesPerSecond)),
    },
    {
      scenario,
      metric: 'p50 / p99 fan-out latency (ms)',
      parley: latency(parley),
      plain: latency(plain),
    },
    {
      scenario,
      metric: 'server CPU per message (µs)',
      parley: fixed(median(parley, (r) => r.cpuPerMessage)),
      plain: fixed(median(plain, (r) => r.cpuPerMessage)),
      ratio: fixed(median(parley, (r) => r.cpuPerMessage) / median(plain, (r) => r.cpuPerMessage), 2),
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
    await Promise.all(
      ready.users.map(async (user, i) => {
        const socket = connect(ready.url, {
          transports: ['websocket'],
          reconnection: false,
          ...(ready.tokens ? { auth: { token: ready.tokens[i] } } : {}),
        });
        sockets.push(socket);
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', resolve);
          socket.once('connect_error', reject);
        });
        // The plain server needs to be told the room; the reference server knows its members.
        if (role === 'plain') await socket.timeout(10_000).emitWithAck('join', { room: ready.room, user });
      }),
    );

    const sentAt = new Float64Array(messages);
    const lastAt = new Float64Array(messages);
    const counts = new Uint16Array(messages);
    let delivered = 0;
    let echoed = 0;
    let sent = 0;
    const sender = sockets[0]!;
    // The child's CPU is counted from here.
    child.send({ type: 'start' });
    await reply<{ type: 'started' }>(child, 'started', 10_000);
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${role}: ${delivered} of ${messages * MEMBERS} deliveries in ${timeLimitMs} ms`)),
        timeLimitMs,
      );
      const sendMore = () => {
        while (sent < messages && sent - echoed < WINDOW) {
          sentAt[sent] = performance.now();
          sender.emit('sendMessage', {
            room_id: ready.room,
            sender_id: ready.users[0],
            message: `${sent} ${'lorem ipsum dolor sit amet '.repeat(2)}`,
            first_name: 'Bench',
            last_name: 'Sender',
          });
          sent++;
        }
      };
      for (const socket of sockets) {
        socket.on('error', (e: unknown) => reject(new Error(`${role}: error event ${JSON.stringify(e)}`)));
        socket.on('message', (payload: { message: string }) => {
          const index = Number.parseInt(payload.message, 10);
          lastAt[index] = performance.now();
          counts[index]!++;
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
    await done;
    const lost = counts.findIndex((n) => n !== MEMBERS);
    if (lost !== -1) throw new Error(`${role}: message ${lost} reached ${counts[lost]} members, not ${MEMBERS}`);
    const elapsed = (Math.max(...lastAt) - sentAt[0]!) / 1000;
    const stats = await (async () => {
      child.send({ type: 'stats' });
      return reply<Stats>(child, 'stats', 30_000);
    })();
    const latencies = Array.from(lastAt, (t, i) => t - sentAt[i]!).sort((a, b) => a - b);
    return {
      deliveriesPerSecond: (messages * MEMBERS) / elapsed,
      messagesPerSecond: messages / elapsed,
      p50: latencies[Math.floor(latencies.length * 0.5)]!,
      p99: latencies[Math.floor(latencies.length * 0.99)]!,
      cpuPerMessage: stats.cpuMicros / messages,
      stored: stats.stored,
    };
  } finally {
    for (const socket of sockets) socket.disconnect();
    await stopChild(child);
  }
}


// ---------------------------------------------------------------------------------------------
// The server children.

/** The plain server: the same broadcast with no validation, storage or auth. */
async function servePlain(): Promise<void> {
  const http = createServer();
  const io = new Server(http, { serveClient: false, maxHttpBufferSize: 1_000_000 });
  const members = new Map<string, string[]>();
  let handled = 0;
  let seq = 0;
  io.on('connection', (socket) => {
    socket.on('join', ({ room, user }: { room: string; user: string }, ack: () => void) => {
      void socket.join(room);
      members.set(room, [...(members.get(room) ?? []), user]);
      ack();
    });
    socket.on('sendMessage', (p: Record<string, unknown> & { room_id: string; sender_id: string }) => {
      const others = (members.get(p.room_id) ?? []).filter((u) => u !== p.sender_id);
      io.to(p.room_id).emit('message', {
        _id: (++seq).toString(16).padStart(24, '0'),
        room_id: p.room_id,
        message: p.message,
        recipients: others.map((u) => ({ _id: u, msg_seen: false })),
        message_type: 'text',
        attachments: [],
        sender_id: p.sender_id,
        first_name: p.first_name,
        last_name: p.last_name,
        dateCreated: new Date().toISOString(),
      });
      handled++;
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  serveChild(
    { type: 'ready', url, room: 'bench-room', users: userIds },
    async () => handled,
    () => new Promise<void>((resolve) => void io.close(() => resolve())),
  );
}

/** The reference server on a fresh SQLite store, outgoing validation off (as in production). */
async function serveParley(): Promise<void> {
  const { ChatCore } = await import('../../src/core/chat-core.js');
  const { LocalMediaStore } = await import('../../src/core/media-store.js');
  const { startProtocolServer } = await import('../../src/server/protocol-server.js');
  const { createLogger } = await import('../../src/server/logger.js');
  const { mintToken } = await import('../../src/auth/tokens.js');
  const { buildModel } = await import('../../src/spec/model.js');
  const { readSpecFile } = await import('../../src/spec/source.js');
  const { specPathOf } = await import('../../src/server/protocols.js');

  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-teamchat-'));
  const core = await ChatCore.open(`sqlite:${join(dir, 'parley.db')}`, { mediaStore: new LocalMediaStore(join(dir, 'media')) });
  const server = await startProtocolServer({
    protocol: 'teamchat',
    port: 0,
    core,
    auth: { key: KEY, mode: 'jwt' },
    logger: createLogger({ level: 'silent' }),
    validateOutgoing: false,
    // A throughput benchmark: rate limits are measured by the flood scenario, not here.
    flowControl: false,
  });
  const users = await core.ensureUsers('teamchat', userIds);
  const creator = users.get(userIds[0]!)!;
  const group = await core.createGroup({
    creatorId: creator.id,
    name: 'Bench room',
    memberIds: userIds.slice(1).map((u) => users.get(u)!.id),
  });
  const model = buildModel(readSpecFile(specPathOf('teamchat')));
  const tokens = await Promise.all(userIds.map((user) => mintToken(model, KEY, { user })));
  const room = group.conversation.id;
  serveChild(
    { type: 'ready', url: server.url, room, users: userIds, tokens },
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
