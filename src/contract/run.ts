/**
 * A contract run: every case of a spec against a server at a URL, one after another (or a few at
 * a time), each with fresh users; the results, and what they covered of the spec.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { compileBehaviour, type BehaviourPlan, type EmitPlan } from '../behaviour/index.js';
import type { NamespaceSpec } from '../runtime/namespace-spec.js';
import { loadValidate } from '../spec/event-validators.js';
import { specDir } from '../spec/files.js';
import { asList } from '../spec/vocabulary.js';
import { buildModel, type ProtocolModel } from '../spec/model.js';
import { namespaceSpecOf } from '../spec/namespace-spec.js';
import { readSpecFile, type SpecSource } from '../spec/source.js';
import { casesOf, matchesOnly, type CaseSpec } from './cases.js';
import { RefusedError } from './clients.js';
import { coverageOf } from './coverage.js';
import { Credentials, type CredentialMode } from './credentials.js';
import { entityPlaces, isList } from './lists.js';
import type { CaseResult, RunReport } from './results.js';
import { CaseRunner, Skip } from './runner.js';
import { Mismatch, type World } from './scenario.js';

export interface RunOptions {
  /** A spec file, or the name of one of Parley's protocols. */
  readonly spec: string;
  /** The server's base URL (`http://127.0.0.1:4100`). */
  readonly url: string;
  readonly credentials: CredentialMode;
  readonly seed?: number;
  /** Case ids or event names (comma-separated, `*` wildcards). */
  readonly only?: string;
  /** How long to wait for each expected event, ms. */
  readonly timeoutMs?: number;
  /** Cases at a time. Specs with namespace-wide emits run one at a time whatever is asked. */
  readonly concurrency?: number;
  /** Schema-breaking payloads per client event. */
  readonly badInputs?: number;
  /** Called as each case ends (progress). */
  readonly onResult?: (result: CaseResult) => void;
  /** The command line that started the run, for reproduction lines (without --only and --seed). */
  readonly command?: string;
}

/** A run that cannot be made as asked (the caller's to fix). */
export class ContractSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContractSetupError';
  }
}

/** The server could not be reached at all. */
export class UnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreachableError';
  }
}

/** A spec given as a file or as one of Parley's protocol names. */
export function resolveSpec(spec: string): SpecSource {
  const own = join(specDir, `${spec}.yaml`);
  return readSpecFile(!existsSync(spec) && /^[a-z][a-z0-9-]*$/.test(spec) && existsSync(own) ? own : spec);
}

/** Namespaces in the order a client opens them: those others require first. */
function orderedSpecs(model: ProtocolModel): NamespaceSpec[] {
  const required = new Set(model.namespaces.map((ns) => ns.socketio.presence).filter(Boolean));
  const ordered = [...model.namespaces].sort((a, b) => Number(required.has(b.path)) - Number(required.has(a.path)));
  return ordered.map((ns) => namespaceSpecOf(model, ns));
}

async function reachable(url: string, timeoutMs: number): Promise<void> {
  try {
    const response = await fetch(`${url.replace(/\/$/, '')}/socket.io/?EIO=4&transport=polling`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
  } catch (error) {
    throw new UnreachableError(`${url} does not answer (${(error as Error).message})`);
  }
}

export type SuiteOptions = Omit<RunOptions, 'url' | 'onResult'>;

/**
 * The cases of a spec, listed without a server (so that a test runner can register them), run
 * against one once it is known.
 */
export class ContractSuite {
  readonly cases: readonly CaseSpec[];
  readonly seed: number;
  private run?: CaseRunner;
  private url = '';
  private readonly timeoutMs: number;

  private constructor(
    readonly options: SuiteOptions,
    readonly source: SpecSource,
    readonly plan: BehaviourPlan,
    private readonly credentials: Credentials,
  ) {
    this.seed = options.seed ?? Date.now() % 1_000_000;
    this.timeoutMs = options.timeoutMs ?? 2000;
    const badInputs = options.badInputs ?? 6;
    const lists = (emits: readonly EmitPlan[]) => emits.some((e) => entityPlaces(plan.model, e.event.payload).some(isList));
    this.cases = casesOf(plan.model.protocol, plan.namespaces, { badInputs, canForge: credentials.canForge, lists }).filter((c) => matchesOnly(c, options.only));
  }

  /** Reads the spec and lists its cases (synchronous: no server is needed yet). */
  static load(options: SuiteOptions): ContractSuite {
    const source = resolveSpec(options.spec);
    const model = buildModel(source);
    const announced = model.namespaces.find((ns) => ns.socketio.handshake.trust?.announce);
    if (options.credentials.kind === 'trust' && announced) {
      throw new ContractSetupError(`--auth trust: ${announced.path} learns who a trust-mode user is from an event (${announced.socketio.handshake.trust!.announce!.event}), which the runner does not send; test with tokens instead`);
    }
    if (options.credentials.kind === 'trust' && !model.namespaces.some((ns) => ns.socketio.handshake.trust?.userId)) {
      throw new ContractSetupError('--auth trust: the spec has no trust mode');
    }
    return new ContractSuite(options, source, compileBehaviour(model), new Credentials(model, options.credentials));
  }

  /** Whether cases may run side by side: not where emits reach a whole namespace (they would cross cases). */
  get concurrency(): number {
    const wide = this.plan.namespaces.some((ns) => [...ns.events.values()].some((e) => e.emits.some((m) => asList(m.emit.to).includes('namespace'))) || ns.onConnect.emits.length > 0 || ns.onDisconnect.emits.length > 0);
    return wide ? 1 : Math.max(1, this.options.concurrency ?? 1);
  }

  /** Checks that the server answers, and loads the validators. */
  async connect(url: string): Promise<void> {
    this.url = url.replace(/\/$/, '');
    await reachable(this.url, this.timeoutMs);
    const model = this.plan.model;
    const { validate } = await loadValidate(model);
    const world: World = { plan: this.plan, specs: orderedSpecs(model), validate, credentials: this.credentials, url: this.url, timeoutMs: this.timeoutMs };
    this.run = new CaseRunner(this.source, this.plan, world, { seed: this.seed, timeoutMs: this.timeoutMs, badInputs: this.options.badInputs ?? 6 });
  }

  /** Runs one case (after {@link connect}). */
  async runCase(c: CaseSpec): Promise<CaseResult> {
    const run = this.run;
    if (!run) throw new Error('connect(url) first');
    const t0 = Date.now();
    const base = this.options.command ?? `parley test --spec ${this.options.spec} --url ${this.url}`;
    const common = { id: c.id, event: c.event, namespace: c.namespace, kind: c.kind, reproduce: `${base} --seed ${this.seed} --only ${c.id}` };
    try {
      const message = await run.runCase(c);
      return { ...common, status: 'passed', message, durationMs: Date.now() - t0 };
    } catch (error) {
      const durationMs = Date.now() - t0;
      if (error instanceof Skip) return { ...common, status: 'skipped', message: error.message, durationMs };
      if (error instanceof Mismatch) return { ...common, status: 'failed', message: error.message, durationMs, traces: error.traces };
      if (error instanceof RefusedError) return { ...common, status: 'failed', message: `a connection was refused: ${error.message}`, durationMs };
      return { ...common, status: 'failed', message: `the case could not run: ${(error as Error).message}`, durationMs };
    }
  }

  /** The report of a run's results. */
  report(results: readonly CaseResult[], started: number): RunReport {
    const ordered = [...results].sort((a, b) => this.cases.findIndex((c) => c.id === a.id) - this.cases.findIndex((c) => c.id === b.id));
    const coverage = coverageOf(this.plan, this.cases, ordered, this.run!);
    const passed = ordered.filter((r) => r.status === 'passed').length;
    const failed = ordered.filter((r) => r.status === 'failed').length;
    const shares = [coverage.operations, coverage.emits, coverage.conditions, coverage.errors];
    const total = shares.reduce((n, s) => n + s.total, 0);
    return {
      protocol: this.plan.model.protocol,
      spec: this.options.spec,
      url: this.url,
      seed: this.seed,
      startedAt: new Date(started).toISOString(),
      summary: {
        total: ordered.length,
        passed,
        failed,
        skipped: ordered.length - passed - failed,
        score: passed + failed === 0 ? 1 : passed / (passed + failed),
        index: total === 0 ? 1 : shares.reduce((n, s) => n + s.covered, 0) / total,
        durationMs: Date.now() - started,
      },
      coverage,
      cases: ordered,
    };
  }
}

/** Runs every case of a spec against a server. */
export async function runContract(options: RunOptions): Promise<RunReport> {
  const started = Date.now();
  const suite = ContractSuite.load(options);
  await suite.connect(options.url);
  const results: CaseResult[] = [];
  let next = 0;
  const worker = async () => {
    while (next < suite.cases.length) {
      const result = await suite.runCase(suite.cases[next++]!);
      results.push(result);
      options.onResult?.(result);
    }
  };
  await Promise.all(Array.from({ length: suite.concurrency }, worker));
  return suite.report(results, started);
}
