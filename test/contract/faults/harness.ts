/**
 * Running the contract runner against a reference server with a fault on its wire: a fresh server
 * and store per run, the fault attached before any client connects, `runContract` with the
 * server's key, a fixed seed and the fault's cases only.
 */
import { runContract } from '../../../src/contract/run.js';
import type { CaseResult, RunReport } from '../../../src/contract/results.js';
import { getPath, parsePath } from '../../../src/spec/paths.js';
import { startTestServer, TEST_KEY } from '../../helpers/servers.js';
import { loadSpec, type Protocol } from '../../helpers/specs.js';
import type { Backend } from '../../storage/backends.js';
import type { FaultEntry, FaultEnv } from './bank.js';
import { Wire, type WireConn, type WireFault, type WireStats } from './wire.js';

/** The runner's seed for every run of the bank: the same users, requests and bad inputs each time. */
export const SEED = 20_240_611;

const identities = new Map<Protocol, { userId: string; role?: string }>();

/** Where a protocol's tokens put the user id and the role (claim paths). */
function identityOf(protocol: Protocol): { userId: string; role?: string } {
  let found = identities.get(protocol);
  if (!found) {
    const handshake = loadSpec(protocol).model.namespaces.map((ns) => ns.socketio.handshake).find((h) => h.jwt)!;
    const roleAttribute = handshake.roles?.attribute;
    found = { userId: handshake.jwt!.userId, role: roleAttribute ? handshake.jwt!.attributes?.[roleAttribute] : undefined };
    identities.set(protocol, found);
  }
  return found;
}

export interface RunOutcome {
  readonly report: RunReport;
  readonly stats: WireStats;
  readonly ms: number;
}

/** Runs the cases `only` selects against a fresh server of `protocol`, with `make`'s fault on its wire (none: the hook passes everything). */
export async function runAgainst(protocol: Protocol, backend: Backend, only: string, make?: FaultEntry['make']): Promise<RunOutcome> {
  const started = Date.now();
  const server = await startTestServer(protocol, backend);
  try {
    const identity = identityOf(protocol);
    const claim = (conn: WireConn, path: string | undefined) => {
      const value = path && conn.claims ? getPath(conn.claims, parsePath(path)) : undefined;
      return value === undefined || value === null ? undefined : String(value);
    };
    const env: FaultEnv = {
      protocol,
      token: (user, attributes) => server.token(user, attributes),
      userOf: (conn) => claim(conn, identity.userId),
      roleOf: (conn) => claim(conn, identity.role),
    };
    const fault: WireFault = make ? await make(env) : {};
    const wire = Wire.attach(server.server.io, fault);
    const report = await runContract({ spec: protocol, url: server.url, credentials: { kind: 'jwt', key: TEST_KEY }, seed: SEED, only });
    wire.detach();
    return { report, stats: wire.stats, ms: Date.now() - started };
  } finally {
    await server.close();
  }
}

/** A fault's run, judged: the cases that failed are the ones that caught it. */
export interface FaultOutcome {
  readonly id: string;
  readonly protocol: Protocol;
  /** Ids of the cases that failed. */
  readonly caughtBy: readonly string[];
  readonly failures: readonly CaseResult[];
  readonly ran: number;
  /** Ids of the cases that were skipped (the control skips none). */
  readonly skipped: readonly string[];
  /** Whether the fault changed anything on the wire (a fault that never fires proves nothing). */
  readonly fired: boolean;
  readonly faultErrors: readonly string[];
  readonly ms: number;
}

export async function runFault(fault: FaultEntry, backend: Backend): Promise<FaultOutcome> {
  const { report, stats, ms } = await runAgainst(fault.protocol, backend, fault.only, fault.make);
  const failures = report.cases.filter((c) => c.status === 'failed');
  return {
    id: fault.id,
    protocol: fault.protocol,
    caughtBy: failures.map((c) => c.id),
    failures,
    ran: report.cases.filter((c) => c.status !== 'skipped').length,
    skipped: report.cases.filter((c) => c.status === 'skipped').map((c) => c.id),
    fired: stats.outgoingChanged + stats.incomingChanged + stats.injected + stats.closed > 0,
    faultErrors: stats.errors,
    ms,
  };
}
