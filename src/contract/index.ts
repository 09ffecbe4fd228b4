/**
 * Contract tests as a library: the runner (`runContract`), the suite of a spec for a test runner
 * (`contractTests`), and the reports.
 *
 * @example
 * // test/contract.test.ts in a team's repository (vitest)
 * import { beforeAll, afterAll, describe, it } from 'vitest';
 * import { contractTests } from '<parley>/src/contract/index.js';
 *
 * let server: { url: string; close(): Promise<void> };
 * beforeAll(async () => { server = await startMyServer(); });
 * afterAll(() => server.close());
 * contractTests({ describe, it }, {
 *   spec: 'asyncapi/chat.yaml',
 *   url: () => server.url,
 *   credentials: { kind: 'jwt', key: { algorithm: 'HS256', secret: process.env.JWT_SECRET! } },
 * });
 */
import { ContractSuite, type SuiteOptions } from './run.js';
import type { CaseResult } from './results.js';

export { ContractSetupError, ContractSuite, runContract, resolveSpec, UnreachableError, type RunOptions, type SuiteOptions } from './run.js';
export type { CredentialMode } from './credentials.js';
export type { CaseKind, CaseResult, CaseStatus, Coverage, RunReport, RunSummary, SocketTrace } from './results.js';
export { formatCtrf, formatJson, formatJunit, formatSummary } from './report/index.js';

/** The test functions of the team's runner (vitest, or any with the same shape). */
export interface TestApi {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>, timeoutMs?: number): void;
}

export interface ContractTestOptions extends SuiteOptions {
  /** The server's URL, read when the first case runs (servers started in `beforeAll` have one by then). */
  readonly url: string | (() => string);
}

/** A failed case, as a test failure: the runner's message, the traces and the reproduction line. */
export class ContractFailure extends Error {
  constructor(result: CaseResult) {
    const traces = (result.traces ?? []).map((t) => `  ${t.socket}\n    expected: ${t.expected.join(' | ') || '(nothing)'}\n    received: ${t.received.join(' | ') || '(nothing)'}`);
    super([result.message, ...traces, `reproduce: ${result.reproduce}`].join('\n'));
    this.name = 'ContractFailure';
  }
}

/**
 * Registers one test per case of the spec, grouped by event. A case the spec cannot drive (no
 * example to start from, a role that may not use the namespace) passes with its reason logged,
 * rather than failing a team's suite for what is the spec's gap.
 */
export function contractTests(api: TestApi, options: ContractTestOptions): ContractSuite {
  const suite = ContractSuite.load(options);
  let connected: Promise<void> | undefined;
  const connect = () => (connected ??= suite.connect(typeof options.url === 'function' ? options.url() : options.url));
  const groups = new Map<string, typeof suite.cases>();
  for (const c of suite.cases) groups.set(`${c.namespace} ${c.event}`, [...(groups.get(`${c.namespace} ${c.event}`) ?? []), c]);
  api.describe(`${suite.plan.model.protocol} contract`, () => {
    for (const [group, cases] of groups) {
      api.describe(group, () => {
        for (const c of cases) {
          api.it(
            c.id,
            async () => {
              await connect();
              const result = await suite.runCase(c);
              if (result.status === 'failed') throw new ContractFailure(result);
              if (result.status === 'skipped') console.warn(`${c.id}: skipped, ${result.message}`);
            },
            (options.timeoutMs ?? 2000) * 20,
          );
        }
      });
    }
  });
  return suite;
}
