/**
 * `parley test` against `parley mock` for each spec: the mock runs the same behaviour plan the
 * runner expects from, so every case must pass, and the conformance index is reported. The mock
 * decodes tokens without verifying them: the runner signs with a throwaway key and makes no
 * bad-signature or expired tokens.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { startMock, type MockServer } from '../../mock-server/index.js';
import { runContract } from '../../src/contract/index.js';
import { formatSummary } from '../../src/contract/report/index.js';
import { PROTOCOLS, specPath } from '../helpers/specs.js';

const mocks: MockServer[] = [];
afterAll(() => Promise.all(mocks.splice(0).map((m) => m.close())));

describe('parley test against parley mock', () => {
  it.each(PROTOCOLS)('%s: every case passes', async (protocol) => {
    const mock = await startMock({ spec: specPath(protocol), port: 0, seed: 5 });
    mocks.push(mock);
    const report = await runContract({ spec: protocol, url: mock.url, seed: 5, credentials: { kind: 'jwt', forge: false, key: { algorithm: 'HS256', secret: randomBytes(24).toString('hex') } } });
    if (report.summary.failed) console.log(formatSummary(report));
    expect(report.summary.failed).toBe(0);
    expect(report.summary.passed).toBeGreaterThan(15);
    expect(report.summary.score).toBe(1);
    console.log(`${protocol} mock: ${report.summary.passed} cases passed, ${report.summary.skipped} skipped, index ${(report.summary.index * 100).toFixed(1)}%, ${report.summary.durationMs} ms`);
  }, 120_000);
});
