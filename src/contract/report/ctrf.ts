/**
 * CTRF, the Common Test Report Format (https://ctrf.io): the JSON report CTRF's GitHub, Slack and
 * Jenkins integrations read. Field names follow ctrf-io/ctrf `schema/ctrf.schema.json`, using only
 * fields that the reference implementation's (ctrf-io/ctrf-js) copy of the schema accepts too.
 */
import type { CaseResult, RunReport } from '../results.js';
import { groupByEvent } from './events.js';
import { evidenceLines } from './traces.js';

/**
 * The version the CTRF specification document states (`Version: 0.0.0`, a working draft) and that
 * ctrf-js names its current one. Producers set the highest version they fully support.
 */
export const CTRF_SPEC_VERSION = '0.0.0';

const WIDTH = 120;

export interface CtrfOptions {
  /** Parley's version, for `results.tool.version`; the RunReport does not carry it. */
  readonly toolVersion?: string;
}

/**
 * The run as a CTRF document, pretty-printed, ending with a newline.
 *
 * @example writeFileSync('ctrf-report.json', formatCtrf(report, { toolVersion: '0.1.0' }))
 * @throws RangeError when `startedAt` is not a date: CTRF requires the run's start as epoch ms.
 */
export function formatCtrf(report: RunReport, options: CtrfOptions = {}): string {
  const start = Date.parse(report.startedAt);
  if (!Number.isFinite(start)) throw new RangeError(`RunReport.startedAt is not a date: ${JSON.stringify(report.startedAt)}`);
  const s = report.summary;
  // CTRF wants integer milliseconds everywhere.
  const runMs = Math.round(s.durationMs);
  const { operations, emits, conditions, errors } = report.coverage;
  const document = {
    reportFormat: 'CTRF',
    specVersion: CTRF_SPEC_VERSION,
    generatedBy: 'parley',
    results: {
      tool: { name: 'parley', ...(options.toolVersion ? { version: options.toolVersion } : {}) },
      summary: {
        tests: s.total,
        passed: s.passed,
        failed: s.failed,
        skipped: s.skipped,
        pending: 0,
        other: 0,
        suites: groupByEvent(report.cases).length,
        start,
        stop: start + runMs,
        duration: runMs,
        extra: { score: s.score, index: s.index },
      },
      tests: report.cases.map((c) => test(report, c)),
      environment: {
        reportName: `parley test ${report.protocol}`,
        appName: report.protocol,
        extra: { spec: report.spec, url: report.url, seed: report.seed },
      },
      extra: { coverage: { operations, emits, conditions, errors } },
    },
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

function test(report: RunReport, c: CaseResult) {
  return {
    name: c.id,
    // Parley's statuses are a subset of CTRF's, spelled the same.
    status: c.status,
    duration: Math.round(c.durationMs),
    message: c.message,
    ...(c.status === 'failed' ? { trace: evidenceLines(c, WIDTH).join('\n') } : {}),
    // Top-level suite to immediate parent, as the schema's array form has it.
    suite: [report.protocol, c.namespace, c.event],
    type: 'contract',
    tags: [c.kind],
    // The spec is what defines a contract case.
    filePath: report.spec,
    extra: {
      namespace: c.namespace,
      event: c.event,
      kind: c.kind,
      reproduce: c.reproduce,
      ...(c.traces ? { traces: c.traces } : {}),
    },
  };
}
