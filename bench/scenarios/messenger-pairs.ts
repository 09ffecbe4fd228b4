/**
 * messenger-pairs: 100 sender/receiver pairs sending `sendMessage` closed-loop (each pair's next
 * message leaves once both sides have the previous `newMessage`), against
 *  - parley: the messenger reference server on a temporary SQLite store, JWT handshake, outgoing
 *    validation off as in production (NODE_ENV=production, `validateOutgoing: false`);
 *  - plain: a plain Socket.IO server doing the same emits (deliveredMessage, newThread or
 *    threadUpdate, newMessage, unreadMessagesCount) with no validation, storage or auth.
 * Each server runs in a child process of its own (one core), the clients in this process (the
 * other core); the two are measured alternately in the same run, so both see the same noise.
 *
 * Targets on the 2-core machine: parley ≥ 70% of plain's throughput with every message stored,
 * p99 latency ≤ 2× plain's.
 *
 * This module is also the servers' child process (`PARLEY_BENCH_CHILD`), which keeps the scenario
 * in one file; idle-memory.ts starts the same children.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { DEFAULT_ISSUER } from '../../src/auth/keys.js';
import type { Kysely as KyselyType } from 'kysely';
import { io as connect, type Socket } from 'socket.io-client';
import type { Row } from '../lib/child.js';

export const name = 'messenger-pairs';


export type ServerKind = 'parley' | 'plain';

// ---------------------------------------------------------------------------------------------
// The servers (child side)

type Request = { id: number; type: 'memory' | 'stats' | 'lag' | 'stop' };

/** Runs in the child: starts the server, answers the parent's requests over IPC. */
async function child(kind: ServerKind): Promise<void> {
  const server = kind === 'parley' ? await startParley() : await startPlain();
  // The event loop's delays since the last `lag` request: how long a ready callback waited.
  const lag = monitorEventLoopDelay({ resolution: 1 });
  lag.enable();
  process.on('message', async (request: Request) => {
    const answer = async (body: object) => process.send!({ id: request.id, ...body });
    if (request.type === 'memory') {
      // Several passes: the first frees what the last connections left for finalization.
      for (let i = 0; i < 4; i++) {
        globalThis.gc?.();
        await new Promise((r) => setImmediate(r));
      }
      const { heapUsed, rss } = process.memoryUsage();
      await answer({ heapUsed, rss, sockets: server.sockets(), gc: typeof globalThis.gc === 'function' });
    } else if (request.type === 'lag') {
      await answer({ p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 });
      lag.reset();
    } else if (request.type === 'stats') {
      const cpu = process.cpuUsage();
      await answer({ cpuMicros: cpu.user + cpu.system, ...(await server.stats()) });
    } else {
      await server.close();
      await answer({});
      process.exit(0);
    }
  });
  process.send!({ id: 0, url: server.url });
}

interface RunningServer {
  url: string;
  sockets(): number;
  stats(): Promise<{ messages?: number; users?: number }>;
  close(): Promise<void>;
}

async function startParley(): Promise<RunningServer> {
  const { ChatCore } = await import('../../src/core/chat-core.js');
  const { LocalMediaStore } = await import('../../src/core/media-store.js');
  const { startProtocolServer } = await import('../../src/server/protocol-server.js');
  const { createLogger } = await import('../../src/server/logger.js');
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  const file = join(dir, 'parley.db');
  const mediaStore = new LocalMediaStore(join(dir, 'media'));
  const experiments = new Set((process.env.PARLEY_BENCH_EXPERIMENT ?? '').split(',').filter(Boolean));
  const core = experiments.size === 0 ? await ChatCore.open(`sqlite:${file}`, { mediaStore }) : new ChatCore(await experimentalStore(file, experiments), { mediaStore });
  const server = await startProtocolServer({
    protocol: 'messenger',
    port: 0,
    core,
    auth: { key: { algorithm: 'HS256', secret: process.env.PARLEY_BENCH_SECRET! }, mode: 'jwt' },
    logger: createLogger({ level: 'silent' }),
    validateOutgoing: false,
    // A throughput benchmark: every client sends as fast as the server answers, which rate
    // limits exist to stop. The flood scenario measures them.
    flowControl: process.env.PARLEY_BENCH_FLOW === 'on' ? undefined : false,
  });
  return {
    url: server.url,
    sockets: () => server.io.of('/').sockets.size,
    stats: () =>
      core.database.read(async (db) => {
        const count = async (table: 'messages' | 'users') => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
        return { messages: await count('messages'), users: await count('users') };
      }),
    close: async () => {
      await server.close();
      await core.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Evidence for proposed storage changes, never the default: PARLEY_BENCH_EXPERIMENT lists
 *  - `statement-cache`: better-sqlite3 statements prepared once per SQL text (Kysely's SQLite
 *    driver prepares every query anew);
 *  - `group-commit`: transactions that arrive while one commits are run together, each in a
 *    savepoint, and committed (one fsync) together; each still resolves only after the commit.
 * Same pragmas as src/storage/sqlite.ts (WAL, synchronous=FULL).
 */
async function experimentalStore(file: string, experiments: ReadonlySet<string>) {
  const { Database, openDatabase } = await import('../../src/storage/database.js');
  const { default: BetterSqlite3 } = await import('better-sqlite3');
  const { Kysely, SqliteDialect, sql } = await import('kysely');
  await (await openDatabase(`sqlite:${file}`)).close(); // migrated
  const raw = new BetterSqlite3(file, { timeout: 5000 });
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.pragma('foreign_keys = ON');
  if (experiments.has('statement-cache')) {
    const prepare = raw.prepare.bind(raw);
    const cache = new Map<string, ReturnType<typeof prepare>>();
    raw.prepare = ((source: string) => {
      let statement = cache.get(source);
      if (statement === undefined) cache.set(source, (statement = prepare(source)));
      return statement;
    }) as typeof raw.prepare;
  }
  type Schema = import('../../src/storage/schema.js').Schema;
  const kysely = new Kysely<Schema>({ dialect: new SqliteDialect({ database: raw }) });
  if (!experiments.has('group-commit')) return new Database(kysely, 'sqlite');

  type Job = { fn: (trx: KyselyType<Schema>) => Promise<unknown>; resolve(value: unknown): void; reject(error: unknown): void };
  class GroupCommitDatabase extends Database {
    #queue: Job[] = [];
    #flushing = false;
    override transact<T>(fn: (trx: KyselyType<Schema>) => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        this.#queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
        if (!this.#flushing) void this.#flush();
      });
    }
    async #flush(): Promise<void> {
      this.#flushing = true;
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0);
        const outcomes: Array<{ ok: boolean; value: unknown }> = [];
        try {
          await this.read((db) =>
            db.connection().execute(async (conn) => {
              await sql`begin immediate`.execute(conn);
              for (const job of batch) {
                await sql`savepoint job`.execute(conn);
                try {
                  outcomes.push({ ok: true, value: await job.fn(conn) });
                  await sql`release job`.execute(conn);
                } catch (error) {
                  outcomes.push({ ok: false, value: error });
                  await sql`rollback to job`.execute(conn);
                  await sql`release job`.execute(conn);
                }
              }
              await sql`commit`.execute(conn);
            }),
          );
          batch.forEach((job, i) => (outcomes[i]!.ok ? job.resolve(outcomes[i]!.value) : job.reject(outcomes[i]!.value)));
        } catch (error) {
          batch.forEach((job) => job.reject(error));
        }
      }
      this.#flushing = false;
    }
  }
  return new GroupCommitDatabase(kysely, 'sqlite');
}

/**
 * The same emits as the reference server, to the same rooms, with payloads of the same shape
 * and size; what it knows (which pairs have a thread, unread counts) lives in two Maps.
 */
async function startPlain(): Promise<RunningServer> {
  const { createServer } = await import('node:http');
  const { Server } = await import('socket.io');
  const http = createServer();
  const io = new Server(http, { serveClient: false });
  const threads = new Set<string>();
  const unread = new Map<string, number>();
  let nextId = 0;
  const participant = (userid: string) => ({ userid, username: userid, is_online: '1', profilePic: '' });
  io.on('connection', (socket) => {
    const me = String(socket.handshake.auth.userid);
    void socket.join(`user:${me}`);
    socket.on('sendMessage', (p: { messageid: string; senderid: string; receiverid: string; message: string }) => {
      const mine = `user:${me}`;
      const theirs = `user:${p.receiverid}`;
      const id = (++nextId).toString(16).padStart(24, '0');
      const createdAt = new Date().toISOString();
      const pair = me < p.receiverid ? `${me}:${p.receiverid}` : `${p.receiverid}:${me}`;
      const first = !threads.has(pair);
      threads.add(pair);
      const count = (unread.get(p.receiverid) ?? 0) + 1;
      unread.set(p.receiverid, count);
      const thread = (unreadCount: number) => ({
        _id: pair.slice(0, 24),
        participants: [participant(me), participant(p.receiverid)],
        last_message: p.message,
        last_message_sender_id: me,
        last_message_Username: me,
        last_message_timestamp: createdAt,
        contentType: 'text',
        unreadCount,
      });
      if (io.of('/').adapter.rooms.has(theirs)) io.to(mine).emit('deliveredMessage', { receiverid: p.receiverid });
      const event = first ? 'newThread' : 'threadUpdate';
      io.to(mine).emit(event, thread(0));
      io.to(theirs).emit(event, thread(count));
      io.to([mine, theirs]).emit('newMessage', { _id: id, messageid: p.messageid, senderid: me, receiverid: p.receiverid, message: p.message, createdAt });
      io.to(theirs).emit('unreadMessagesCount', { count });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    sockets: () => io.of('/').sockets.size,
    stats: async () => ({}),
    close: () => new Promise<void>((resolve) => void io.close(() => resolve())),
  };
}

if (process.env.PARLEY_BENCH_CHILD === 'parley' || process.env.PARLEY_BENCH_CHILD === 'plain') {
  await child(process.env.PARLEY_BENCH_CHILD);
}

// ---------------------------------------------------------------------------------------------
// The parent side: children, clients, measurements

export interface ServerChild {
  readonly kind: ServerKind;
  readonly url: string;
  /** Mints a handshake credential for a user (a JWT for parley, `auth.userid` for plain). */
  auth(user: string): Promise<Record<string, string>>;
  request<T = Record<string, number>>(type: Request['type']): Promise<T>;
  stop(): Promise<void>;
}

/**
 * Starts a server in a child process on 127.0.0.1 and an ephemeral port.
 *
 * @param options.exposeGc run the child with `--expose-gc` (memory measurements)
 * @param options.flowControl keep the server's default rate limits on (the flood scenario)
 * @param options.profileDir write a CPU profile of the child there (`PARLEY_BENCH_CPU_PROF`)
 */
export async function startServerChild(kind: ServerKind, options: { exposeGc?: boolean; flowControl?: boolean } = {}): Promise<ServerChild> {
  const secret = randomBytes(32).toString('hex');
  const key = new TextEncoder().encode(secret);
  const profileDir = process.env.PARLEY_BENCH_CPU_PROF;
  const proc: ChildProcess = fork(fileURLToPath(import.meta.url), [], {
    execArgv: [
      '--import',
      'tsx',
      ...(options.exposeGc ? ['--expose-gc'] : []),
      ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    ],
    env: { ...process.env, PARLEY_BENCH_CHILD: kind, PARLEY_BENCH_SECRET: secret, PARLEY_BENCH_FLOW: options.flowControl ? 'on' : 'off', NODE_ENV: 'production', LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, (body: any) => void>();
  let nextId = 1;
  proc.on('message', (message: { id: number }) => {
    pending.get(message.id)?.(message);
    pending.delete(message.id);
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    pending.set(0, (m: { url: string }) => resolve(m.url));
    proc.once('exit', (code) => reject(new Error(`the ${kind} server exited (${code}) before listening`)));
  });
  return {
    kind,
    url,
    auth: async (user): Promise<Record<string, string>> =>
      kind === 'plain'
        ? { userid: user }
        : { token: await new SignJWT({ sub: user, name: `User ${user}` }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setAudience('messenger').setIssuer(DEFAULT_ISSUER).setExpirationTime('1h').sign(key) },
    request: (type) =>
      new Promise((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        proc.send({ id, type });
      }),
    async stop() {
      if (proc.exitCode !== null) return;
      const id = nextId++;
      proc.send({ id, type: 'stop' });
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Opens a socket.io-client connection (websocket only, no reconnection); resolves once connected. */
export function openClient(url: string, auth: Record<string, string>): Promise<Socket> {
  const socket = connect(url, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

/** Opens `count` clients, at most `concurrency` handshakes at a time. */
export async function openClients(server: ServerChild, users: readonly string[], concurrency = 50): Promise<Socket[]> {
  const sockets: Socket[] = new Array(users.length);
  let next = 0;
  const worker = async () => {
    while (next < users.length) {
      const i = next++;
      sockets[i] = await openClient(server.url, await server.auth(users[i]!));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, users.length) }, worker));
  return sockets;
}

interface Window {
  completed: number;
  seconds: number;
  latencies: number[];
  /** The server child's CPU time in the window. */
  cpuMicros: number;
  /** This process's (the clients') CPU time in the window. */
  clientCpuMicros: number;
  errors: number;
}

/** Closed-loop pairs on open sockets; measures one window after a warm-up. */
class Pairs {
  #measuring = false;
  #stopping = false;
  #inFlight = 0;
  #window: Window = { completed: 0, seconds: 0, latencies: [], cpuMicros: 0, clientCpuMicros: 0, errors: 0 };
  /** Each pair's first send of a window. */
  readonly #starters: Array<() => void> = [];
  sent = 0;

  constructor(private readonly sockets: readonly Socket[], private readonly ids: readonly string[]) {
    for (let i = 0; i < sockets.length / 2; i++) this.#pair(i);
  }

  #pair(i: number): void {
    const sender = this.sockets[2 * i]!;
    const receiver = this.sockets[2 * i + 1]!;
    const [from, to] = [this.ids[2 * i]!, this.ids[2 * i + 1]!];
    let seq = 0;
    let current = '';
    let startedAt = 0;
    let got = 0;
    const done = () => {
      if (++got < 2) return;
      this.#inFlight--;
      if (this.#measuring) {
        this.#window.completed++;
        this.#window.latencies.push(performance.now() - startedAt);
      }
      send();
    };
    const send = () => {
      if (this.#stopping) return;
      current = `${from}-${++seq}`;
      got = 0;
      startedAt = performance.now();
      this.#inFlight++;
      this.sent++;
      sender.emit('sendMessage', { messageid: current, senderid: from, receiverid: to, message: `message ${seq} from ${from}` });
    };
    sender.on('newMessage', (m: { messageid: string }) => m.messageid === current && done());
    receiver.on('newMessage', (m: { messageid: string }) => m.messageid === current && done());
    for (const s of [sender, receiver]) s.on('error', () => this.#window.errors++);
    this.#starters.push(send);
  }

  /** Runs warm-up then one measured window; stops sending and waits for the messages in flight. */
  async run(server: ServerChild, warmupMs: number, windowMs: number): Promise<Window> {
    this.#window = { completed: 0, seconds: 0, latencies: [], cpuMicros: 0, clientCpuMicros: 0, errors: 0 };
    this.#stopping = false;
    for (const start of this.#starters) start();
    await delay(warmupMs);
    const cpuBefore = (await server.request<{ cpuMicros: number }>('stats')).cpuMicros;
    const clientCpu = process.cpuUsage();
    this.#measuring = true;
    const t0 = performance.now();
    await delay(windowMs);
    this.#measuring = false;
    const clientCpuUsed = process.cpuUsage(clientCpu);
    this.#window.clientCpuMicros = clientCpuUsed.user + clientCpuUsed.system;
    this.#window.seconds = (performance.now() - t0) / 1000;
    this.#window.cpuMicros = (await server.request<{ cpuMicros: number }>('stats')).cpuMicros - cpuBefore;
    this.#stopping = true;
    const deadline = Date.now() + 10_000;
    while (this.#inFlight > 0 && Date.now() < deadline) await delay(10);
    return this.#window;
  }
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function merge(windows: readonly Window[]): Window & { sorted: number[] } {
  const latencies = windows.flatMap((w) => w.latencies);
  return {
    completed: windows.reduce((n, w) => n + w.completed, 0),
    seconds: windows.reduce((n, w) => n + w.seconds, 0),
    latencies,
    sorted: [...latencies].sort((a, b) => a - b),
    cpuMicros: windows.reduce((n, w) => n + w.cpuMicros, 0),
    clientCpuMicros: windows.reduce((n, w) => n + w.clientCpuMicros, 0),
    errors: windows.reduce((n, w) => n + w.errors, 0),
  };
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export async function run(options: { quick: boolean }): Promise<Row[]> {
  const pairs = options.quick ? 20 : 100;
  const rounds = options.quick ? 1 : 2;
  const windowMs = options.quick ? 2_000 : 5_000;
  const warmupMs = options.quick ? 500 : 1_500;
  const suffix = randomBytes(3).toString('hex');
  const ids = Array.from({ length: 2 * pairs }, (_, i) => `bench-${i % 2 === 0 ? 'sender' : 'receiver'}-${Math.floor(i / 2)}-${suffix}`);

  const started: ServerChild[] = [];
  const clients: Socket[] = [];
  try {
    const servers = {} as Record<ServerKind, ServerChild>;
    for (const kind of ['parley', 'plain'] as const) started.push((servers[kind] = await startServerChild(kind)));
    const loads = {} as Record<ServerKind, Pairs>;
    for (const kind of ['plain', 'parley'] as const) {
      const sockets = await openClients(servers[kind], ids);
      clients.push(...sockets);
      loads[kind] = new Pairs(sockets, ids);
    }
    const windows: Record<ServerKind, Window[]> = { parley: [], plain: [] };
    for (let round = 0; round < rounds; round++) {
      for (const kind of ['plain', 'parley'] as const) windows[kind].push(await loads[kind].run(servers[kind], warmupMs, windowMs));
    }
    const stats = await servers.parley.request<{ messages: number }>('stats');
    const parley = merge(windows.parley);
    const plain = merge(windows.plain);
    const rate = (w: Window) => w.completed / w.seconds;
    const throughputRatio = rate(parley) / rate(plain);
    const p99 = { parley: percentile(parley.sorted, 99), plain: percentile(plain.sorted, 99) };
    const scenario = `${name} (${pairs} pairs, ${fmt(parley.seconds, 0)} s each)`;
    const rows: Row[] = [
      {
        scenario,
        metric: 'messages/s',
        parley: fmt(rate(parley)),
        plain: fmt(rate(plain)),
        ratio: `${fmt(throughputRatio * 100)}%`,
        target: '≥ 70% of plain',
        met: throughputRatio >= 0.7,
      },
      { scenario, metric: 'p50 latency (ms)', parley: fmt(percentile(parley.sorted, 50), 1), plain: fmt(percentile(plain.sorted, 50), 1), ratio: `${fmt(percentile(parley.sorted, 50) / percentile(plain.sorted, 50), 1)}×` },
      { scenario, metric: 'p99 latency (ms)', parley: fmt(p99.parley, 1), plain: fmt(p99.plain, 1), ratio: `${fmt(p99.parley / p99.plain, 1)}×`, target: '≤ 2× plain', met: p99.parley <= 2 * p99.plain },
      { scenario, metric: 'server CPU per message (µs)', parley: fmt(parley.cpuMicros / parley.completed), plain: fmt(plain.cpuMicros / plain.completed), ratio: `${fmt(parley.cpuMicros / parley.completed / (plain.cpuMicros / plain.completed), 1)}×` },
      {
        scenario,
        metric: 'CPU busy, server / clients (% of a core)',
        parley: `${fmt(parley.cpuMicros / parley.seconds / 1e4)}% / ${fmt(parley.clientCpuMicros / parley.seconds / 1e4)}%`,
        plain: `${fmt(plain.cpuMicros / plain.seconds / 1e4)}% / ${fmt(plain.clientCpuMicros / plain.seconds / 1e4)}%`,
      },
      {
        scenario,
        metric: 'messages stored / sent',
        parley: `${fmt(stats.messages)} / ${fmt(loads.parley.sent)}`,
        target: 'all, no errors',
        met: stats.messages === loads.parley.sent && parley.errors === 0,
      },
    ];
    return rows;
  } finally {
    for (const socket of clients) socket.close();
    await Promise.all(started.map((server) => server.stop()));
  }
}
