/**
 * idle-memory: what an idle, authenticated connection costs the server. 2,000 clients connect
 * (parley: each with its own JWT, so each is a user the server records, marks online and
 * tells its counterparts about; plain: `auth.userid`), then sit idle. The server runs in a
 * child process with `--expose-gc`; after a full GC, (heap used, RSS) after minus before,
 * divided by the connections, is the cost of one.
 *
 * Target on the 2-core machine: at most 40 KB per idle connection, by either measure (RSS moves in
 * pages and may grow less than the heap when the heap reuses pages it already had).
 */
import type { Socket } from 'socket.io-client';
import type { Row } from '../lib/child.js';
import { openClients, startServerChild, type ServerChild, type ServerKind } from './messenger-pairs.js';

export const name = 'idle-memory';

const TARGET_KB = 40;

interface Memory {
  heapUsed: number;
  rss: number;
  sockets: number;
  gc: boolean;
}

/** Bytes per connection, heap and RSS, for one server. */
async function measure(kind: ServerKind, connections: number): Promise<{ heap: number; rss: number }> {
  const server: ServerChild = await startServerChild(kind, { exposeGc: true });
  const clients: Socket[] = [];
  try {
    const users = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${kind}-${i}`);
    // Warm-up: the first connections load and compile what every later one shares (validators,
    // prepared paths, JIT); that is not the cost of a connection.
    const warm = await openClients(server, users('warm', 50));
    warm.forEach((s) => s.close());
    await settle(server, 0);
    const before = await server.request<Memory>('memory');
    if (!before.gc) throw new Error('the server child has no gc(): --expose-gc did not apply');

    clients.push(...(await openClients(server, users('idle', connections))));
    await settle(server, connections);
    const after = await server.request<Memory>('memory');
    return { heap: (after.heapUsed - before.heapUsed) / connections, rss: (after.rss - before.rss) / connections };
  } finally {
    for (const socket of clients) socket.close();
    await server.stop();
  }
}

/**
 * Waits until the server holds exactly `sockets` connections and, for parley, has finished
 * each connection's own work (profile, presence, pending deliveries): its memory then no longer
 * moves between two readings.
 */
async function settle(server: ServerChild, sockets: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  let last = -1;
  for (;;) {
    const now = await server.request<Memory>('memory');
    if (now.sockets === sockets && Math.abs(now.heapUsed - last) < 64 * 1024) return;
    if (Date.now() > deadline) throw new Error(`${server.kind}: ${now.sockets} of ${sockets} connections after 30 s`);
    last = now.heapUsed;
    await new Promise((r) => setTimeout(r, 250));
  }
}

const kb = (bytes: number) => (bytes / 1024).toFixed(1);

export async function run(options: { quick: boolean }): Promise<Row[]> {
  const connections = options.quick ? 500 : 2_000;
  const plain = await measure('plain', connections);
  const parley = await measure('parley', connections);
  const scenario = `${name} (${connections.toLocaleString('en-US')} connections)`;
  return [
    {
      scenario,
      metric: 'RSS per idle connection (KB)',
      parley: kb(parley.rss),
      plain: kb(plain.rss),
      ratio: `${(parley.rss / plain.rss).toFixed(1)}×`,
      target: `≤ ${TARGET_KB} KB`,
      met: parley.rss <= TARGET_KB * 1024,
    },
    {
      scenario,
      metric: 'heap per idle connection (KB)',
      parley: kb(parley.heap),
      plain: kb(plain.heap),
      ratio: `${(parley.heap / plain.heap).toFixed(1)}×`,
      target: `≤ ${TARGET_KB} KB`,
      met: parley.heap <= TARGET_KB * 1024,
    },
  ];
}
