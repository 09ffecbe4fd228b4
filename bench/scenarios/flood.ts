/**
 * flood: one socket sends 20,000 valid `sendMessage`s as fast as it can while another pair keeps
 * doing round trips (send, then wait for its own `newMessage`), on the messenger reference server
 * in a child process:
 *  - with the default flow control (20 events/s burst 40 per socket; refused events get a 429;
 *    a socket that keeps on is disconnected), and
 *  - with flow control off (what the server did before it had any),
 * plus the same pair's round trips with no flood, as the baseline, all in the same run.
 *
 * Target on the 2-core machine: the other pair's round-trip p99 during the flood under 50 ms.
 */
import type { Socket } from 'socket.io-client';
import type { Row } from '../lib/child.js';
import { openClient, startServerChild, type ServerChild } from './messenger-pairs.js';

export const name = 'flood';

const FLOOD = 20_000;
const TARGET_P99_MS = 50;

interface Probe {
  readonly rtts: number[];
  stop(): Promise<void>;
}

/** Round trips of one pair, one at a time, until stopped. */
function probe(sender: Socket, receiver: string, me: string): Probe {
  const rtts: number[] = [];
  let running = true;
  let seq = 0;
  const loop = (async () => {
    while (running) {
      const id = `probe-${++seq}`;
      const started = performance.now();
      const echoed = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('a probe round trip took over 30 s')), 30_000);
        const onMessage = (m: { messageid: string }) => {
          if (m.messageid !== id) return;
          clearTimeout(timer);
          sender.off('newMessage', onMessage);
          resolve();
        };
        sender.on('newMessage', onMessage);
      });
      sender.emit('sendMessage', { messageid: id, senderid: me, receiverid: receiver, message: `probe ${seq}` });
      await echoed;
      rtts.push(performance.now() - started);
      // A person's pace, not a benchmark's: a message every 20 ms.
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    rtts,
    stop: async () => {
      running = false;
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
  trips: number;
  refused: number;
  disconnected: boolean;
  floodMs: number;
}

/** One measurement: the probe pair's round trips while `flood` messages go out from one socket (0: none). */
async function measure(server: ServerChild, flood: number, run: number): Promise<Outcome> {
  const [alice, bob, mallory, victim] = ['alice', 'bob', 'mallory', 'victim'].map((u) => `${u}-${run}`) as [string, string, string, string];
  const sockets = [await openClient(server.url, await server.auth(alice)), await openClient(server.url, await server.auth(bob))];
  const [aliceSocket] = sockets as [Socket, Socket];
  // Warm-up: the pair's thread exists before measuring.
  const warm = probe(aliceSocket, bob, alice);
  await new Promise((r) => setTimeout(r, 300));
  await warm.stop();
  const p = probe(aliceSocket, bob, alice);
  const started = performance.now();
  let refused = 0;
  let disconnected = false;
  if (flood > 0) {
    const attacker = await openClient(server.url, await server.auth(mallory));
    sockets.push(attacker);
    attacker.on('error', () => (refused += 1));
    const gone = new Promise<void>((resolve) => attacker.once('disconnect', () => ((disconnected = true), resolve())));
    // Lands once the server has answered everything it accepted (or cut the socket off).
    const answered = new Promise<void>((resolve) => {
      let seen = 0;
      attacker.on('newMessage', (m: { senderid: string }) => {
        if (m.senderid === mallory && ++seen === flood) resolve();
      });
    });
    for (let i = 0; i < flood; i++) attacker.emit('sendMessage', { messageid: `m-${i}`, senderid: mallory, receiverid: victim, message: `flood ${i}` });
    await Promise.race([gone, answered, new Promise((r) => setTimeout(r, 120_000))]);
    // Keep probing a moment after: what the flood left queued must drain too.
    await new Promise((r) => setTimeout(r, 1000));
  } else {
    await new Promise((r) => setTimeout(r, 3000));
  }
  const floodMs = performance.now() - started;
  await p.stop();
  for (const s of sockets) s.close();
  return { p50: percentile(p.rtts, 50), p99: percentile(p.rtts, 99), trips: p.rtts.length, refused, disconnected, floodMs };
}

export async function run(options: { quick: boolean }): Promise<Row[]> {
  const flood = options.quick ? 5_000 : FLOOD;
  const rows: Row[] = [];
  const limited = await startServerChild('parley', { flowControl: true });
  let baseline: Outcome;
  let withLimits: Outcome;
  try {
    baseline = await measure(limited, 0, 1);
    withLimits = await measure(limited, flood, 2);
  } finally {
    await limited.stop();
  }
  const open = await startServerChild('parley', { flowControl: false });
  let without: Outcome;
  try {
    without = await measure(open, flood, 3);
  } finally {
    await open.stop();
  }
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  rows.push(
    { scenario: name, metric: `other pair's round trip p99, no flood (${baseline.trips} trips)`, parley: ms(baseline.p99) },
    {
      scenario: name,
      metric: `other pair's round trip p99 during a ${flood.toLocaleString('en')}-message flood (${withLimits.trips} trips)`,
      parley: ms(withLimits.p99),
      target: `< ${TARGET_P99_MS} ms`,
      met: withLimits.p99 < TARGET_P99_MS,
    },
    { scenario: name, metric: `  the same, p50`, parley: ms(withLimits.p50) },
    { scenario: name, metric: `  the flooding socket: 429s received, then disconnected`, parley: `${withLimits.refused}, ${withLimits.disconnected ? 'yes' : 'no'}` },
    { scenario: name, metric: `with flow control off: round trip p99 during the flood (${without.trips} trips)`, parley: ms(without.p99) },
    { scenario: name, metric: `  the same, p50; the flood took`, parley: `${ms(without.p50)}; ${(without.floodMs / 1000).toFixed(1)} s` },
  );
  return rows;
}
