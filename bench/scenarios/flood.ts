/**
 * flood: an attacker sends 20,000 valid `sendMessage`s as fast as its connection takes them,
 * reconnecting whenever it is cut off, while four other pairs keep doing round trips (send, then
 * wait for one's own `newMessage`) at a person's pace. The messenger reference server runs in a
 * child process, the attacker in another (its CPU is not the probes'), the probes here:
 *  - baseline: the probes with no flood;
 *  - with the default flow control (20 events/s burst 40 per socket, 40/s burst 80 per user;
 *    refused events get a 429; a socket that keeps on is disconnected);
 *  - with flow control off (what the server did before it had any).
 * A round trip still unanswered when the measurement ends counts with the time it has waited.
 *
 * Target on the 2-core machine: the other pairs' round-trip p99 during the flood under 50 ms.
 *
 * This module is also the attacker's child process (`PARLEY_BENCH_FLOODER`).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Socket } from 'socket.io-client';
import type { Row } from '../lib/child.js';
import { openClient, startServerChild, type ServerChild } from './messenger-pairs.js';

export const name = 'flood';

const FLOOD = 20_000;
const TARGET_P99_MS = 50;
const PROBE_PAIRS = 4;
/** A busy person's pace, well within the default rate limit: ten messages a second. */
const PROBE_PACE_MS = 100;
/** How long the attacker's messages may take to be answered before the measurement ends anyway. */
const DRAIN_LIMIT_MS = 90_000;

// ---------------------------------------------------------------------------------------------
// The attacker (child side)

interface FloodOrder {
  url: string;
  auth: Record<string, string>;
  me: string;
  to: string;
  count: number;
}

interface FloodReport {
  type: 'done';
  connections: number;
  refused: number;
  answered: number;
  /** Messages emitted whose answer never came (cut off, or still queued at the drain limit). */
  unanswered: number;
}

/** Emits `count` messages, 100 per turn of the event loop, on as many connections as it takes. */
async function flood(order: FloodOrder): Promise<FloodReport> {
  let sent = 0;
  let refused = 0;
  let answered = 0;
  let connections = 0;
  const deadline = Date.now() + DRAIN_LIMIT_MS;
  while (sent < order.count && Date.now() < deadline) {
    const socket = await openClient(order.url, order.auth);
    connections += 1;
    let open = true;
    socket.on('error', () => (refused += 1));
    socket.on('newMessage', (m: { senderid: string }) => void (m.senderid === order.me && (answered += 1)));
    const closed = new Promise<void>((resolve) => socket.once('disconnect', () => ((open = false), resolve())));
    while (open && sent < order.count) {
      for (let i = 0; i < 100 && sent < order.count; i++) {
        socket.emit('sendMessage', { messageid: `flood-${sent}`, senderid: order.me, receiverid: order.to, message: `flood ${sent}` });
        sent += 1;
      }
      await new Promise((r) => setImmediate(r));
    }
    // Everything sent on this connection answered, or the connection cut, or out of time.
    while (open && answered + refused < sent && Date.now() < deadline) await Promise.race([closed, new Promise((r) => setTimeout(r, 50))]);
    socket.close();
  }
  return { type: 'done', connections, refused, answered, unanswered: sent - answered - refused };
}

if (process.env.PARLEY_BENCH_FLOODER) {
  process.once('message', async (order: FloodOrder) => {
    process.send!(await flood(order));
    process.exit(0);
  });
}

/** Runs the attacker in a child process; resolves with its report. */
function floodFromChild(order: FloodOrder): Promise<FloodReport> {
  const child = fork(fileURLToPath(import.meta.url), [], { execArgv: ['--import', 'tsx'], env: { ...process.env, PARLEY_BENCH_FLOODER: '1' }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.send(order);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), DRAIN_LIMIT_MS + 30_000);
    child.once('message', (report: FloodReport) => {
      clearTimeout(timer);
      resolve(report);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the attacker exited (${code}) without a report`));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The probes (parent side)

interface Probe {
  /** Round trips in ms; those cut short by stop() are counted with the time they waited. */
  readonly rtts: number[];
  stop(): Promise<void>;
}

/** Round trips of one pair, one at a time, until stopped. */
function probe(sender: Socket, receiver: string, me: string): Probe {
  const rtts: number[] = [];
  let running = true;
  let wake: (() => void) | undefined;
  let seq = 0;
  const loop = (async () => {
    while (running) {
      const id = `probe-${me}-${++seq}`;
      const started = performance.now();
      await new Promise<void>((resolve, reject) => {
        const done = () => {
          sender.off('newMessage', onMessage);
          sender.off('error', onError);
          wake = undefined;
          resolve();
        };
        const onMessage = (m: { messageid: string }) => void (m.messageid === id && done());
        const onError = (e: { statusCode: number; message: string }) => reject(new Error(`a probe was refused: ${e.statusCode} ${e.message}`));
        wake = done;
        sender.on('newMessage', onMessage);
        sender.on('error', onError);
        sender.emit('sendMessage', { messageid: id, senderid: me, receiverid: receiver, message: `probe ${seq}` });
      });
      rtts.push(performance.now() - started);
      if (running) await new Promise((r) => setTimeout(r, PROBE_PACE_MS));
    }
  })();
  return {
    rtts,
    stop: async () => {
      running = false;
      wake?.();
      await loop;
    },
  };
}

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

interface Outcome {
  p50: number;
  p99: number;
  max: number;
  trips: number;
  seconds: number;
  /** The server's event-loop delay during the measurement, in ms. */
  serverLag: { p99: number; max: number };
  attacker?: FloodReport;
}

/** One measurement: the probe pairs' round trips while `count` messages are flooded (0: none, for 5 s). */
async function measure(server: ServerChild, count: number, run: number): Promise<Outcome> {
  const sockets: Socket[] = [];
  const probes: Probe[] = [];
  for (let i = 0; i < PROBE_PAIRS; i++) {
    const [alice, bob] = [`alice-${run}-${i}`, `bob-${run}-${i}`];
    const [a] = [await openClient(server.url, await server.auth(alice)), await openClient(server.url, await server.auth(bob))].map((s) => (sockets.push(s), s));
    // Warm-up: the pair's thread exists before measuring.
    const warm = probe(a!, bob, alice);
    await new Promise((r) => setTimeout(r, 300));
    await warm.stop();
    probes.push(probe(a!, bob, alice));
  }
  await server.request('lag');
  const started = performance.now();
  let attacker: FloodReport | undefined;
  if (count > 0) {
    const mallory = `mallory-${run}`;
    attacker = await floodFromChild({ url: server.url, auth: await server.auth(mallory), me: mallory, to: `victim-${run}`, count });
    // Keep probing a moment after: what the flood left queued must drain too.
    await new Promise((r) => setTimeout(r, 1000));
  } else {
    await new Promise((r) => setTimeout(r, 5000));
  }
  await Promise.all(probes.map((p) => p.stop()));
  const seconds = (performance.now() - started) / 1000;
  const serverLag = await server.request<{ p99: number; max: number }>('lag');
  for (const s of sockets) s.close();
  const rtts = probes.flatMap((p) => p.rtts);
  const outcome = { p50: percentile(rtts, 50), p99: percentile(rtts, 99), max: Math.max(...rtts), trips: rtts.length, seconds, serverLag, attacker };
  process.stderr.write(`  flood ${count}: ${JSON.stringify(outcome)}\n`);
  return outcome;
}

export async function run(options: { quick: boolean }): Promise<Row[]> {
  const count = options.quick ? 5_000 : FLOOD;
  const limited = await startServerChild('parley', { flowControl: true });
  let baseline: Outcome;
  let withLimits: Outcome;
  try {
    baseline = await measure(limited, 0, 1);
    withLimits = await measure(limited, count, 2);
  } finally {
    await limited.stop();
  }
  const open = await startServerChild('parley', { flowControl: false });
  let without: Outcome;
  try {
    without = await measure(open, count, 3);
  } finally {
    await open.stop();
  }
  const ms = (v: number) => (v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${v.toFixed(1)} ms`);
  const attack = (o: Outcome) =>
    `${o.attacker!.connections} connection(s), ${o.attacker!.answered.toLocaleString('en')} stored, ${o.attacker!.refused.toLocaleString('en')} refused (429), ${o.attacker!.unanswered.toLocaleString('en')} dropped; ${o.seconds.toFixed(1)} s`;
  const flooded = `a ${count.toLocaleString('en')}-message flood`;
  return [
    { scenario: name, metric: `other pairs' round trip p99, no flood (${baseline.trips} trips)`, parley: ms(baseline.p99) },
    { scenario: name, metric: "  the server's event-loop delay: p99, max", parley: `${ms(baseline.serverLag.p99)}, ${ms(baseline.serverLag.max)}` },
    {
      scenario: name,
      metric: `other pairs' round trip p99 during ${flooded}, default flow control (${withLimits.trips} trips)`,
      parley: ms(withLimits.p99),
      target: `< ${TARGET_P99_MS} ms`,
      met: withLimits.p99 < TARGET_P99_MS,
    },
    { scenario: name, metric: '  the same: p50, max', parley: `${ms(withLimits.p50)}, ${ms(withLimits.max)}` },
    { scenario: name, metric: "  the server's event-loop delay: p99, max", parley: `${ms(withLimits.serverLag.p99)}, ${ms(withLimits.serverLag.max)}` },
    { scenario: name, metric: '  the attacker', parley: attack(withLimits) },
    { scenario: name, metric: `other pairs' round trip p99 during ${flooded}, flow control off (${without.trips} trips)`, parley: ms(without.p99) },
    { scenario: name, metric: '  the same: p50, max', parley: `${ms(without.p50)}, ${ms(without.max)}` },
    { scenario: name, metric: "  the server's event-loop delay: p99, max", parley: `${ms(without.serverLag.p99)}, ${ms(without.serverLag.max)}` },
    { scenario: name, metric: '  the attacker', parley: attack(without) },
  ];
}
