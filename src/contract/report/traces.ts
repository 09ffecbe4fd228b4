/**
 * A failed case's evidence as plain lines: each socket's expected and received events, and the
 * command that runs the case alone. The summary prints it indented; JUnit and CTRF embed it as is,
 * so a CI log, a test-reporter page and a terminal all show the same picture.
 */
import type { CaseResult, SocketTrace } from '../results.js';
import { plain, type Paint } from './paint.js';
import { visible, visibleLines } from './text.js';

/** Marks a row where expected and received differ; plain ASCII so every CI log shows it. */
const MARK = '! ';
const NO_MARK = '  ';
const GAP = ' | ';
const NOTHING = '(nothing)';
/** Rows sit under their `socket` line, indented by this much. */
const ROW_INDENT = '  ';

/**
 * One socket's trace. Side by side when both columns fit in `width`, so a missing or extra event
 * stands out across the row; one list under the other otherwise, so long payload summaries are
 * never cut. Either way a `!` marks the positions where the two differ.
 *
 * @example traceLines({ socket: 'bob#1 /', expected: ['messageNew {id}'], received: [] }, 80)
 * // ['socket bob#1 /', '    expected        | received', '  ! messageNew {id} | (nothing)']
 */
export function traceLines(trace: SocketTrace, width: number, paint: Paint = plain): string[] {
  const expected = trace.expected.map(visible);
  const received = trace.received.map(visible);
  const rows = Math.max(expected.length, received.length, 1);
  const cell = (list: readonly string[], i: number): string => list[i] ?? (i === 0 ? NOTHING : '');
  const differs = (i: number): boolean => expected[i] !== received[i];
  const mark = (i: number): string => (differs(i) ? paint.red(MARK) : NO_MARK);

  const left = Math.max('expected'.length, ...Array.from({ length: rows }, (_, i) => cell(expected, i).length));
  const right = Math.max('received'.length, ...Array.from({ length: rows }, (_, i) => cell(received, i).length));
  const lines = [`socket ${visible(trace.socket)}`];

  if (ROW_INDENT.length + MARK.length + left + GAP.length + right <= width) {
    lines.push(ROW_INDENT + NO_MARK + paint.dim(`${'expected'.padEnd(left)}${GAP}received`));
    for (let i = 0; i < rows; i++) {
      lines.push(`${ROW_INDENT}${mark(i)}${cell(expected, i).padEnd(left)}${GAP}${cell(received, i)}`.trimEnd());
    }
    return lines;
  }
  for (const [title, list] of [['expected', expected], ['received', received]] as const) {
    lines.push(ROW_INDENT + paint.dim(`${title} (${list.length}):`));
    if (list.length === 0) lines.push(`${ROW_INDENT}${NO_MARK}${NOTHING}`);
    list.forEach((entry, i) => lines.push(`${ROW_INDENT}${mark(i)}${entry}`));
  }
  return lines;
}

/** Every trace of a case, then its reproduction line: what a failure report carries besides its message. */
export function evidenceLines(c: CaseResult, width: number, paint: Paint = plain): string[] {
  const lines = (c.traces ?? []).flatMap((t) => traceLines(t, width, paint));
  lines.push(`${paint.dim('reproduce:')} ${visible(c.reproduce)}`);
  return lines;
}

/** The message, then the evidence: a failure described in full, for bodies that stand alone. */
export function failureLines(c: CaseResult, width: number, paint: Paint = plain): string[] {
  return [...visibleLines(c.message), ...evidenceLines(c, width, paint)];
}
