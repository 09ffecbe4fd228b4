/**
 * Parley's own JSON report, a documented interface: `summary` and `cases` keep exactly their field
 * names; `protocol`, `url`, `seed`, `coverage` and each case's `namespace`, `durationMs`, `traces`
 * and `reproduce` are additions a consumer may ignore. `score` and `index` are 0..1 ratios.
 */
import type { RunReport } from '../results.js';

/**
 * The run as JSON, pretty-printed, ending with a newline.
 *
 * @example const { summary } = JSON.parse(formatJson(report)); // { total, passed, failed, skipped, score, index }
 */
export function formatJson(report: RunReport): string {
  const s = report.summary;
  const document = {
    protocol: report.protocol,
    url: report.url,
    seed: report.seed,
    summary: { total: s.total, passed: s.passed, failed: s.failed, skipped: s.skipped, score: s.score, index: s.index },
    cases: report.cases.map((c) => ({
      id: c.id,
      event: c.event,
      kind: c.kind,
      status: c.status,
      message: c.message,
      namespace: c.namespace,
      durationMs: c.durationMs,
      ...(c.traces ? { traces: c.traces } : {}),
      reproduce: c.reproduce,
    })),
    coverage: report.coverage,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
