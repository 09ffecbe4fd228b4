/**
 * The JSON report, a documented interface: `summary` and each case keep exactly their names; the
 * extra keys are the listed ones and no others.
 */
import { describe, expect, it } from 'vitest';
import { formatJson } from '../../../src/contract/report/index.js';
import { EMPTY, FAILED, FAILURE_MESSAGE, REPORT } from './fixture.js';

type Json = Record<string, unknown>;

describe('formatJson', () => {
  const text = formatJson(REPORT);
  const json = JSON.parse(text) as { summary: Json; cases: Json[] } & Json;

  it('is pretty-printed with a trailing newline', () => {
    expect(text.startsWith('{\n  "')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('has summary and cases, plus only protocol, url, seed and coverage', () => {
    expect(Object.keys(json).sort()).toEqual(['cases', 'coverage', 'protocol', 'seed', 'summary', 'url']);
    expect(json).toMatchObject({ protocol: 'messenger', url: 'http://localhost:3000', seed: 42, coverage: REPORT.coverage });
  });

  it('has exactly the documented summary', () => {
    expect(json.summary).toStrictEqual({ total: 4, passed: 2, failed: 1, skipped: 1, score: 2 / 3, index: 0.5667 });
  });

  it.each(REPORT.cases.map((c) => [c.id, c] as const))('writes the case %s with exactly its documented and extra keys', (_, c) => {
    const written = json.cases.find((w) => w.id === c.id);
    expect(written).toStrictEqual({
      id: c.id,
      event: c.event,
      kind: c.kind,
      status: c.status,
      message: c.message,
      namespace: c.namespace,
      durationMs: c.durationMs,
      ...(c.traces ? { traces: c.traces } : {}),
      reproduce: c.reproduce,
    });
  });

  it('keeps the cases in run order and the failure as it was', () => {
    expect(json.cases.map((c) => c.id)).toEqual(REPORT.cases.map((c) => c.id));
    const failed = json.cases.find((c) => c.id === FAILED.id);
    expect(failed?.message).toBe(FAILURE_MESSAGE);
    expect(failed?.traces).toEqual(FAILED.traces);
  });

  it('writes a run without cases', () => {
    expect(JSON.parse(formatJson(EMPTY))).toMatchObject({ summary: { total: 0, score: 1 }, cases: [] });
  });
});
