/**
 * The CTRF report: the shape the CTRF schema requires (checked with ajv against the subset of
 * ctrf-io/ctrf `schema/ctrf.schema.json` that Parley writes), its counts and its statuses.
 */
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { CTRF_SPEC_VERSION, formatCtrf } from '../../../src/contract/report/index.js';
import type { RunReport } from '../../../src/contract/results.js';
import { EMPTY, FAILED, FAILURE_MESSAGE, REPORT } from './fixture.js';

const integer = { type: 'integer' };
const text = { type: 'string' };
const strings = { type: 'array', items: text };
const object = { type: 'object' };

/** The CTRF schema's rules for the fields Parley writes; unknown fields are refused, as there. */
const CTRF_SUBSET = {
  type: 'object',
  required: ['reportFormat', 'specVersion', 'results'],
  additionalProperties: false,
  properties: {
    reportFormat: { const: 'CTRF' },
    specVersion: { type: 'string', pattern: '^[0-9]+\\.[0-9]+\\.[0-9]+$' },
    generatedBy: text,
    results: {
      type: 'object',
      required: ['tool', 'summary', 'tests'],
      additionalProperties: false,
      properties: {
        tool: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: { name: { type: 'string', minLength: 1 }, version: text },
        },
        summary: {
          type: 'object',
          required: ['tests', 'passed', 'failed', 'skipped', 'pending', 'other', 'start', 'stop'],
          additionalProperties: false,
          properties: Object.fromEntries(
            ['tests', 'passed', 'failed', 'skipped', 'pending', 'other', 'suites', 'start', 'stop', 'duration']
              .map((k): [string, object] => [k, integer])
              .concat([['extra', object]]),
          ),
        },
        tests: {
          type: 'array',
          items: {
            type: 'object',
            required: ['name', 'status', 'duration'],
            additionalProperties: false,
            properties: {
              name: { type: 'string', minLength: 1 },
              status: { enum: ['passed', 'failed', 'skipped', 'pending', 'other'] },
              duration: integer,
              message: text,
              trace: text,
              suite: { type: 'array', minItems: 1, items: text },
              type: text,
              tags: strings,
              filePath: text,
              extra: object,
            },
          },
        },
        environment: {
          type: 'object',
          additionalProperties: false,
          properties: { reportName: text, appName: text, extra: object },
        },
        extra: object,
      },
    },
  },
};

const validate = new Ajv({ allErrors: true }).compile(CTRF_SUBSET);

interface CtrfTest {
  name: string;
  status: string;
  duration: number;
  message?: string;
  trace?: string;
  suite?: string[];
  type?: string;
  extra?: Record<string, unknown>;
}
interface Ctrf {
  reportFormat: string;
  specVersion: string;
  results: {
    tool: { name: string; version?: string };
    summary: Record<string, number>;
    tests: CtrfTest[];
    environment?: { extra?: Record<string, unknown> };
    extra?: Record<string, unknown>;
  };
}

function ctrfOf(report: RunReport, toolVersion?: string): Ctrf {
  const document: unknown = JSON.parse(formatCtrf(report, toolVersion ? { toolVersion } : {}));
  expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
  return document as Ctrf;
}

describe('formatCtrf', () => {
  const ctrf = ctrfOf(REPORT, '0.1.0');
  const byName = (name: string): CtrfTest | undefined => ctrf.results.tests.find((t) => t.name === name);

  it.each<[string, RunReport]>([
    ['the fixture run', REPORT],
    ['a run without cases', EMPTY],
  ])('validates against the CTRF schema: %s', (_, report) => {
    ctrfOf(report);
  });

  it('names the format, its version and the tool', () => {
    expect(ctrf.reportFormat).toBe('CTRF');
    expect(ctrf.specVersion).toBe(CTRF_SPEC_VERSION);
    expect(ctrf.results.tool).toEqual({ name: 'parley', version: '0.1.0' });
    expect(ctrfOf(REPORT).results.tool).toEqual({ name: 'parley' });
  });

  it('counts the run, with the start and stop as epoch milliseconds', () => {
    const start = Date.UTC(2026, 0, 2, 3, 4, 5);
    expect(ctrf.results.summary).toMatchObject({
      tests: 4,
      passed: 2,
      failed: 1,
      skipped: 1,
      pending: 0,
      other: 0,
      suites: 3,
      start,
      stop: start + 1234,
      duration: 1234,
    });
  });

  it.each<[string, string, number]>([
    ['messenger./.sendMessage.sequence.first', 'passed', 12],
    ['messenger./.sendMessage.badInput.text', 'failed', 30],
    ['messenger./.markRead.outsider.other', 'skipped', 0],
    ['messenger./.handshake.handshake.noToken', 'passed', 5],
  ])('gives %s the status %s and an integer duration in ms', (name, status, duration) => {
    expect(byName(name)).toMatchObject({ status, duration, type: 'contract' });
  });

  it('lists the tests in the order they ran, with their suite path', () => {
    expect(ctrf.results.tests.map((t) => t.name)).toEqual(REPORT.cases.map((c) => c.id));
    expect(byName(FAILED.id)?.suite).toEqual(['messenger', '/', 'sendMessage']);
  });

  it("carries the failure's message as it is, and its traces and reproduction as the trace", () => {
    const failed = byName(FAILED.id);
    expect(failed?.message).toBe(FAILURE_MESSAGE);
    expect(failed?.trace).toContain('! error {code: "invalid"} | (nothing)');
    expect(failed?.trace).toContain(`reproduce: ${FAILED.reproduce}`);
    expect(failed?.extra).toMatchObject({ kind: 'badInput', reproduce: FAILED.reproduce, traces: FAILED.traces });
  });

  it('has no trace for a case that did not fail', () => {
    expect(ctrf.results.tests.filter((t) => t.trace !== undefined).map((t) => t.name)).toEqual([FAILED.id]);
  });

  it('keeps the run and the coverage in extension fields', () => {
    expect(ctrf.results.environment?.extra).toEqual({ spec: REPORT.spec, url: REPORT.url, seed: 42 });
    expect(ctrf.results.summary.extra).toEqual({ score: 2 / 3, index: 0.5667 });
    expect(ctrf.results.extra).toMatchObject({ coverage: { operations: { covered: 2, total: 3 } } });
  });

  it('refuses a run whose start is not a date', () => {
    expect(() => formatCtrf({ ...REPORT, startedAt: 'yesterday' })).toThrow(RangeError);
  });
});
