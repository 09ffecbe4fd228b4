#!/usr/bin/env node
// `npm run bench:mock`: reply latency of the mock server at a steady 2,000 client events per
// second, against a plain Socket.IO server doing the same emits (no validation, state or
// generation) measured in the same run, because the machine is shared and noisy.
//
// Each server runs in its own process (the mock through `parley mock`, as a frontend runs it);
// this process drives 20 senders, round robin, at the target rate: each sends messenger
// `sendMessage` to its partner. By default the partners are offline, so the mock answers each
// event with 2 events to the sender's socket (`newThread`/`threadUpdate`, `newMessage`); with
// `--online` they are connected too and each event is answered with 6 (3 to the sender, 3 to the
// receiver). The plain server does the same emits. The latency is the time from `emit` to the
// sender receiving its `newMessage`, the event carrying its own message back; the server's CPU
// time per event is read from /proc. Target (2 cores): p99 under 5 ms. Rounds alternate.
//
// Usage: npm run bench:mock [-- --online] [-- --rate 2000] [-- --seconds 10] [-- --rounds 2]
//        [-- --pairs 20] [-- --url http://127.0.0.1:4100 --pid <pid>]  (drive a running server)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const arg = (name, fallback) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : fallback);

// ---- the plain server (a child process of the benchmark) -----------------------------------

/** The plain server: the same emits as the mock's sendMessage, fixed payloads, nothing else. */
async function plainServer() {
  const { Server } = await import('socket.io');
  const http = createServer();
  const io = new Server(http);
  const at = () => new Date().toISOString();
  io.on('connection', (socket) => {
    const user = socket.handshake.auth.user;
    socket.join(`user:${user}`);
    socket.on('sendMessage', (m) => {
      // The same six emits as messenger's sendMessage, payloads of the same size, nothing else.
      const thread = { _id: '665f1c2e9b1e8a0000000001', participants: [{ userid: m.senderid, username: 'Ada Lovelace', is_online: '1', profilePic: '' }, { userid: m.receiverid, username: 'Grace Hopper', is_online: '1', profilePic: '' }], last_message: m.message, last_message_sender_id: m.senderid, last_message_Username: 'Ada Lovelace', last_message_timestamp: at(), contentType: 'text', unreadCount: 1 };
      const message = { _id: '665f1c2e9b1e8a0012345678', messageid: m.messageid, senderid: m.senderid, receiverid: m.receiverid, message: m.message, createdAt: at() };
      const online = (io.sockets.adapter.rooms.get(`user:${m.receiverid}`)?.size ?? 0) > 0;
      if (online) io.to(`user:${m.senderid}`).emit('deliveredMessage', { receiverid: m.receiverid });
      io.to([`user:${m.senderid}`, `user:${m.receiverid}`]).emit('threadUpdate', thread);
      io.to([`user:${m.senderid}`, `user:${m.receiverid}`]).emit('newMessage', message);
      if (online) io.to(`user:${m.receiverid}`).emit('unreadMessagesCount', { count: 1 });
    });
  });
  http.listen(0, '127.0.0.1', () => console.log(`plain http://127.0.0.1:${http.address().port}`));
  await new Promise((resolve) => process.once('SIGTERM', resolve));
  io.close();
  http.closeAllConnections();
}


// ---- the benchmark ----------------------------------------------------------------------------

async function benchmark() {

  const RATE = arg('rate', 2000);
  const SECONDS = arg('seconds', 10);
  const WARMUP = arg('warmup', 5);
  const ROUNDS = arg('rounds', 2);
  const PAIRS = arg('pairs', 20);
  /** `--online`: receivers connected too (6 emits per event instead of 2). */
  const ONLINE = args.includes('--online');

  const { io } = await import('socket.io-client');
  const b64 = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const token = (sub) => `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub })}.${b64('bench')}`;

  /** Starts a server process and resolves with its URL (the first http:// address it prints). */
  function startProcess(command, argv) {
    const child = spawn(command, argv, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    return new Promise((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d) => {
        out += d;
        const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) resolve({ child, url: m[1] });
      });
      child.once('exit', (code) => reject(new Error(`${argv.join(' ')} exited (${code}): ${out}`)));
    });
  }

  async function stopProcess(child) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  /** CPU time (ms) a process has used so far, from /proc (Linux); undefined elsewhere. */
  function cpuMs(pid) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    } catch {
      return undefined;
    }
  }

  const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

  /** Drives a server at RATE events/s for WARMUP + SECONDS; returns the measured latencies (ms). */
  async function drive(url, label, pid) {
    const sockets = [];
    const connect = (user) =>
      new Promise((resolve, reject) => {
        const s = io(url, { auth: { token: token(user), user }, transports: ['websocket'], reconnection: false, forceNew: true });
        s.once('connect', () => resolve(s));
        s.once('connect_error', reject);
        sockets.push(s);
      });
    const pairs = [];
    for (let i = 0; i < PAIRS; i++) pairs.push({ sender: await connect(`u-s${i}`), receiver: ONLINE ? await connect(`u-r${i}`) : undefined, i });

    const sentAt = new Map();
    const latencies = [];
    let measuring = false;
    let received = 0;
    for (const { sender } of pairs) {
      sender.on('newMessage', (m) => {
        const entry = sentAt.get(m.messageid);
        if (entry === undefined) return;
        sentAt.delete(m.messageid);
        received++;
        // Only events sent while measuring count (not the warm-up's late replies).
        if (entry[1]) latencies.push(performance.now() - entry[0]);
      });
      sender.on('error', (e) => console.error(`${label}: error event`, e));
    }
    for (const { receiver } of pairs) receiver?.onAny(() => undefined);

    let sent = 0;
    let cpuStart;
    let sentAtStart = 0;
    const start = performance.now();
    const total = (WARMUP + SECONDS) * 1000;
    await new Promise((resolve) => {
      const timer = setInterval(() => {
        const elapsed = performance.now() - start;
        if (!measuring && elapsed >= WARMUP * 1000) {
          measuring = true;
          cpuStart = pid ? cpuMs(pid) : undefined;
          sentAtStart = sent;
        }
        const due = Math.min(Math.floor((elapsed / 1000) * RATE), Math.floor((total / 1000) * RATE));
        while (sent < due) {
          const { sender, i } = pairs[sent % PAIRS];
          const id = `b-${sent}`;
          sentAt.set(id, [performance.now(), measuring]);
          sender.emit('sendMessage', { messageid: id, senderid: `u-s${i}`, receiverid: `u-r${i}`, message: `Benchmark message number ${sent}` });
          sent++;
        }
        if (elapsed >= total) {
          clearInterval(timer);
          resolve();
        }
      }, 2);
    });
    // Let the last replies arrive.
    const deadline = Date.now() + 3000;
    while (sentAt.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const lost = sentAt.size;
    const cpuEnd = pid ? cpuMs(pid) : undefined;
    const cpuPerEvent = cpuStart !== undefined && cpuEnd !== undefined ? ((cpuEnd - cpuStart) * 1000) / (sent - sentAtStart) : undefined;
    for (const s of sockets) s.close();
    latencies.sort((a, b) => a - b);
    return { label, sent, received, lost, rate: sent / (total / 1000), latencies, cpuPerEvent };
  }

  const row = (r) =>
    `| ${r.label.padEnd(22)} | ${r.rate.toFixed(0).padStart(6)} | ${String(r.latencies.length).padStart(7)} | ${percentile(r.latencies, 50).toFixed(2).padStart(6)} | ${percentile(r.latencies, 90).toFixed(2).padStart(6)} | ${percentile(r.latencies, 99).toFixed(2).padStart(6)} | ${r.latencies[r.latencies.length - 1].toFixed(1).padStart(7)} | ${String(r.lost).padStart(4)} | ${r.cpuPerEvent === undefined ? '–' : r.cpuPerEvent.toFixed(0).padStart(5)} |`;

  const results = [];
  if (args.includes('--url')) {
    // Drive a server that is already running (for profiling it): `--url http://127.0.0.1:4100`.
    const r = await drive(args[args.indexOf('--url') + 1], 'given server', args.includes('--pid') ? Number(args[args.indexOf('--pid') + 1]) : undefined);
    console.log(row(r));
    process.exit(0);
  }
  for (let round = 1; round <= ROUNDS; round++) {
    const plain = await startProcess(process.execPath, [fileURLToPath(import.meta.url), '--plain-server']);
    results.push(await drive(plain.url, `plain Socket.IO #${round}`, plain.child.pid));
    await stopProcess(plain.child);

    const mock = await startProcess(process.execPath, [join(root, 'bin/parley.js'), 'mock', '--protocol', 'messenger', '--port', '0', '--seed', '1', '--fill', '0', '--log-level', 'warn']);
    // The mock builds its payload pools in the background after it starts: wait for them.
    for (let i = 0; i < 100; i++) {
      const status = await (await fetch(`${mock.url}/_mock`)).json();
      if (status.pools === 'ready') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    results.push(await drive(mock.url, `parley mock #${round}`, mock.child.pid));
    await stopProcess(mock.child);
  }

  const all = (prefix) => results.filter((r) => r.label.startsWith(prefix)).flatMap((r) => r.latencies).sort((a, b) => a - b);
  const mockAll = all('parley mock');
  const plainAll = all('plain');
  console.log(`parley mock benchmark: messenger sendMessage, ${PAIRS} sender/receiver pairs, ${RATE} events/s, ${SECONDS} s measured after ${WARMUP} s warm-up, ${ROUNDS} round(s); node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
  console.log('| server                 | sent/s | replies | p50 ms | p90 ms | p99 ms |  max ms | lost | server CPU µs/event |');
  console.log('|------------------------|-------:|--------:|-------:|-------:|-------:|--------:|-----:|------:|');
  for (const r of results) console.log(row(r));
  console.log(`\nAll rounds: plain p50 ${percentile(plainAll, 50).toFixed(2)} ms, p99 ${percentile(plainAll, 99).toFixed(2)} ms; mock p50 ${percentile(mockAll, 50).toFixed(2)} ms, p99 ${percentile(mockAll, 99).toFixed(2)} ms (target: p99 < 5 ms: ${percentile(mockAll, 99) < 5 ? 'met' : 'NOT met'}).`);
  process.exit(0);

}

if (args.includes('--plain-server')) await plainServer();
else await benchmark();
