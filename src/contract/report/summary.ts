/**
 * The readable report `parley test` prints: the run, each client event's counts, every failure with
 * its evidence, then the totals. Plain text that reads the same in a terminal and in a CI log;
 * colour only when asked for.
 */
import type { CaseResult, CaseStatus, RunReport } from '../results.js';
import { eventName, groupByEvent } from './events.js';
import { ansi, plain, type Paint } from './paint.js';
import { duration, percent, share, visible, visibleLines } from './text.js';
import { evidenceLines } from './traces.js';

export interface SummaryOptions {
  /** ANSI colour; default false. */
  readonly color?: boolean;
  /** Also list every case with its message, passed and skipped ones included. */
  readonly verbose?: boolean;
}

/** The width our own layout keeps to; payload summaries and commands may run longer rather than be cut. */
const WIDTH = 120;

/**
 * The run as text, ending with a newline.
 *
 * @example process.stdout.write(formatSummary(report, { color: process.stdout.isTTY }))
 */
export function formatSummary(report: RunReport, options: SummaryOptions = {}): string {
  const paint = options.color ? ansi : plain;
  const failed = report.cases.filter((c) => c.status === 'failed');
  const sections = [
    header(report, paint),
    eventSection(report, paint),
    options.verbose ? caseSection(report.cases, paint) : [],
    failed.length ? failureSection(failed, paint) : [],
    totals(report, paint),
  ];
  return `${sections.filter((s) => s.length).map((s) => s.join('\n')).join('\n\n')}\n`;
}

function header(report: RunReport, paint: Paint): string[] {
  return [
    paint.bold(`parley test: ${visible(report.protocol)}`),
    `  spec     ${visible(report.spec)}`,
    `  url      ${visible(report.url)}`,
    `  seed     ${report.seed}`,
    `  started  ${visible(report.startedAt)}`,
  ];
}

interface EventRow {
  readonly namespace: string;
  readonly event: string;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly reasons: readonly string[];
}

/**
 * The coverage's events, which include operations no case exercised; then any event that only the
 * cases name (a handshake, a lifecycle), counted from its cases so that no case goes unlisted.
 */
function eventRows(report: RunReport): EventRow[] {
  const rows: EventRow[] = report.coverage.events.map((e) => ({ ...e, reasons: e.skippedReasons }));
  const listed = new Set(rows.map((r) => eventName(r.namespace, r.event)));
  for (const group of groupByEvent(report.cases)) {
    if (listed.has(eventName(group.namespace, group.event))) continue;
    const count = (status: CaseStatus): number => group.cases.filter((c) => c.status === status).length;
    const reasons = group.cases.filter((c) => c.status === 'skipped').map((c) => c.message);
    rows.push({ ...group, passed: count('passed'), failed: count('failed'), skipped: count('skipped'), reasons });
  }
  return rows;
}

/** Each distinct reason once, with how many cases gave it, in the order they first came. */
function tally(reasons: readonly string[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts];
}

function eventSection(report: RunReport, paint: Paint): string[] {
  const rows = eventRows(report);
  if (rows.length === 0) return [];
  const nsWidth = Math.max(...rows.map((r) => visible(r.namespace).length));
  const evWidth = Math.max(...rows.map((r) => visible(r.event).length));
  const digits = Math.max(...rows.flatMap((r) => [r.passed, r.failed, r.skipped].map((n) => String(n).length)));
  const count = (n: number, word: string, color: (s: string) => string): string => {
    const text = `${String(n).padStart(digits)} ${word}`;
    return n > 0 ? color(text) : paint.dim(text);
  };
  const lines = [paint.bold('Events')];
  for (const r of rows) {
    const name = `  ${visible(r.namespace).padEnd(nsWidth)}  ${visible(r.event).padEnd(evWidth)}  `;
    const counts =
      r.passed + r.failed + r.skipped === 0
        ? paint.yellow('no cases')
        : [count(r.passed, 'passed', paint.green), count(r.failed, 'failed', paint.red), count(r.skipped, 'skipped', paint.yellow)].join('  ');
    lines.push(name + counts);
    for (const [reason, n] of tally(r.reasons)) {
      lines.push(`      ${paint.yellow(n > 1 ? `skipped (${n}):` : 'skipped:')} ${visibleLines(reason).join(' / ')}`);
    }
  }
  return lines;
}

const LABEL: Record<CaseStatus, string> = { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP' };

function label(status: CaseStatus, paint: Paint): string {
  const color = status === 'passed' ? paint.green : status === 'failed' ? paint.red : paint.yellow;
  return color(LABEL[status]);
}

/** One line per case; the message moves under the id when both would not fit in the width. */
function caseSection(cases: readonly CaseResult[], paint: Paint): string[] {
  if (cases.length === 0) return [];
  const lines = [paint.bold('Cases')];
  for (const c of cases) {
    const head = `  ${label(c.status, paint)} ${visible(c.id)}`;
    const message = visibleLines(c.message).join(' / ');
    // Measured without colour: the labels are four characters either way.
    if (`  PASS ${visible(c.id)}  ${message}`.length <= WIDTH) lines.push(`${head}  ${paint.dim(message)}`);
    else lines.push(head, `       ${paint.dim(message)}`);
  }
  return lines;
}

function failureSection(failed: readonly CaseResult[], paint: Paint): string[] {
  const lines = [paint.bold(`Failures (${failed.length})`)];
  for (const c of failed) {
    const where = `${c.kind}, ${eventName(c.namespace, c.event)}, ${duration(c.durationMs)}`;
    lines.push('', `  ${label('failed', paint)} ${paint.bold(visible(c.id))}  ${paint.dim(`(${visible(where)})`)}`);
    const indent = '    ';
    for (const line of [...visibleLines(c.message), ...evidenceLines(c, WIDTH - indent.length, paint)]) {
      lines.push(indent + line);
    }
  }
  return lines;
}

function totals(report: RunReport, paint: Paint): string[] {
  const s = report.summary;
  const { operations, emits, conditions, errors } = report.coverage;
  const failed = `failed ${s.failed}`;
  return [
    paint.bold('Totals'),
    `  cases ${s.total}  ${paint.green(`passed ${s.passed}`)}  ${s.failed ? paint.red(failed) : failed}  ${paint.yellow(`skipped ${s.skipped}`)}`,
    `  score ${paint.bold(percent(s.score))} (${s.passed} of ${s.passed + s.failed} run passed)`,
    `  conformance index ${paint.bold(percent(s.index))}: operations ${share(operations)}, emits ${share(emits)}, ` +
      `conditions ${share(conditions)}, errors ${share(errors)}`,
    `  duration ${duration(s.durationMs)}`,
  ];
}
