/**
 * The readable report: the whole text for the fixture run, then what options change, the layout of
 * traces, and the formatting of percentages and durations.
 */
import { describe, expect, it } from 'vitest';
import { formatSummary } from '../../../src/contract/report/index.js';
import { duration, percent } from '../../../src/contract/report/text.js';
import { traceLines } from '../../../src/contract/report/traces.js';
import type { SocketTrace } from '../../../src/contract/results.js';
import { EMPTY, FAILED, PASSED, REPORT } from './fixture.js';

const EXPECTED = `parley test: messenger
  spec     specs/messenger.yaml
  url      http://localhost:3000
  seed     42
  started  2026-01-02T03:04:05.000Z

Events
  /  sendMessage    1 passed  1 failed  0 skipped
  /  markRead       0 passed  0 failed  1 skipped
      skipped: needs a conversation ada is not in; the fixture users share one
  /  deleteMessage  no cases
  /  handshake      1 passed  0 failed  0 skipped

Failures (1)

  FAIL messenger./.sendMessage.badInput.text  (badInput, / sendMessage, 30 ms)
    expected "error" <code 'invalid'> & nothing else\\u0001 to ada
    bob received a messageNew
    socket ada#1 /
        expected                | received
      ! error {code: "invalid"} | (nothing)
    socket bob#1 /
        expected  | received
      ! (nothing) | messageNew {text: "<b>&amp;"}
    reproduce: parley test specs/messenger.yaml --seed 42 --case messenger./.sendMessage.badInput.text

Totals
  cases 4  passed 2  failed 1  skipped 1
  score 66.7% (2 of 3 run passed)
  conformance index 56.7%: operations 2/3, emits 3/5, conditions 1/2, errors 2/4
  duration 1.23 s
`;

const ANSI = /\x1b\[[0-9;]*m/g;

describe('formatSummary', () => {
  it('prints the run, its events, its failure with traces and reproduction, and the totals', () => {
    expect(formatSummary(REPORT)).toBe(EXPECTED);
  });

  it.each<[string, { color?: boolean; verbose?: boolean }, { has: string[]; hasNot: string[] }]>([
    ['by default', {}, { has: [], hasNot: ['\x1b[', 'PASS', 'Cases'] }],
    ['verbose', { verbose: true }, { has: ['Cases', `PASS ${PASSED.id}  ${PASSED.message}`, 'SKIP messenger./.markRead.outsider.other'], hasNot: ['\x1b['] }],
    ['in colour', { color: true }, { has: ['\x1b[31mFAIL\x1b[39m', '\x1b[1m66.7%\x1b[22m', '\x1b[32m1 passed\x1b[39m'], hasNot: [] }],
  ])('%s', (_, options, want) => {
    const text = formatSummary(REPORT, options);
    for (const s of want.has) expect(text).toContain(s);
    for (const s of want.hasNot) expect(text).not.toContain(s);
  });

  it('says the same in colour once the escapes are removed', () => {
    expect(formatSummary(REPORT, { color: true }).replace(ANSI, '')).toBe(EXPECTED);
  });

  it('keeps every line of the fixture run within 120 characters', () => {
    const long = formatSummary(REPORT, { verbose: true }).split('\n').filter((line) => line.length > 120);
    expect(long).toEqual([]);
  });

  it('never lets a control character from the server reach the terminal', () => {
    const hostile = { ...FAILED, message: 'a\x1b[2Jb\rc', traces: [{ socket: 's\x07', expected: ['x\x1b]0;t\x07'], received: [] }] };
    const text = formatSummary({ ...REPORT, cases: [hostile] }, { verbose: true });
    expect(text.replace(ANSI, '')).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain('a\\u001b[2Jb\\u000dc');
  });

  it('prints a run without cases', () => {
    const text = formatSummary(EMPTY);
    expect(text).not.toContain('Events');
    expect(text).not.toContain('Failures');
    expect(text).toContain('cases 0  passed 0  failed 0  skipped 0');
    expect(text).toContain('score 100.0% (0 of 0 run passed)');
  });

  it('counts repeated skip reasons once each', () => {
    const events = [{ namespace: '/', event: 'markRead', run: 0, passed: 0, failed: 0, skipped: 3, skippedReasons: ['r1', 'r2', 'r1'] }];
    const text = formatSummary({ ...REPORT, cases: [], coverage: { ...REPORT.coverage, events } });
    expect(text).toContain('      skipped (2): r1\n      skipped: r2\n');
  });
});

describe('traceLines', () => {
  const short: SocketTrace = { socket: 'bob#2 /chat', expected: ['a {x}', 'b {y}'], received: ['a {x}', 'c'] };
  const long: SocketTrace = { socket: 'bob#2 /chat', expected: ['a'.repeat(70)], received: ['b'.repeat(70)] };

  it.each<[string, SocketTrace, number, string[]]>([
    [
      'side by side when both columns fit',
      short,
      120,
      ['socket bob#2 /chat', '    expected | received', '    a {x}    | a {x}', '  ! b {y}    | c'],
    ],
    [
      'one under the other when they do not',
      long,
      120,
      ['socket bob#2 /chat', '  expected (1):', `  ! ${'a'.repeat(70)}`, '  received (1):', `  ! ${'b'.repeat(70)}`],
    ],
    [
      'one under the other in a narrow width, nothing shown for an empty list',
      { ...short, received: [] },
      10,
      ['socket bob#2 /chat', '  expected (2):', '  ! a {x}', '  ! b {y}', '  received (0):', '    (nothing)'],
    ],
    [
      'a received event nobody expected, side by side',
      { socket: 's', expected: ['a'], received: ['a', 'extra'] },
      80,
      ['socket s', '    expected | received', '    a        | a', '  !          | extra'],
    ],
  ])('lays a trace out %s', (_, trace, width, want) => {
    expect(traceLines(trace, width)).toEqual(want);
  });
});

describe('percent and duration', () => {
  it.each<[number, string]>([
    [0, '0.0%'],
    [2 / 3, '66.7%'],
    [0.0004, '0.1%'],
    [0.9996, '99.9%'],
    [1, '100.0%'],
    [1.5, '100.0%'],
  ])('percent(%d) is %s', (ratio, want) => {
    expect(percent(ratio)).toBe(want);
  });

  it.each<[number, string]>([
    [0, '0 ms'],
    [850.4, '850 ms'],
    [1234, '1.23 s'],
    [125_000, '2 min 5.0 s'],
  ])('duration(%d) is %s', (ms, want) => {
    expect(duration(ms)).toBe(want);
  });
});
