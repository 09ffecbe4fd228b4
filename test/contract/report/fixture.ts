/**
 * A small hand-written run of the messenger protocol: one case passed, one failed with traces on two
 * sockets, one skipped with a reason, one handshake case (an event the coverage's event list does
 * not name), and an operation no case exercised. The failure's message holds what XML and terminals
 * must be protected from: `<`, `&`, both quotes, a newline and a U+0001 control character.
 */
import type { CaseResult, RunReport } from '../../../src/contract/results.js';

export const FAILURE_MESSAGE = `expected "error" <code 'invalid'> & nothing else\u0001 to ada\nbob received a messageNew`;
export const SKIP_REASON = 'needs a conversation ada is not in; the fixture users share one';

const reproduce = (id: string): string => `parley test specs/messenger.yaml --seed 42 --case ${id}`;

export const PASSED: CaseResult = {
  id: 'messenger./.sendMessage.sequence.first',
  event: 'sendMessage',
  namespace: '/',
  kind: 'sequence',
  status: 'passed',
  message: "ada's first message reached bob's sockets and ada's other one",
  durationMs: 12.4,
  reproduce: reproduce('messenger./.sendMessage.sequence.first'),
};

export const FAILED: CaseResult = {
  id: 'messenger./.sendMessage.badInput.text',
  event: 'sendMessage',
  namespace: '/',
  kind: 'badInput',
  status: 'failed',
  message: FAILURE_MESSAGE,
  durationMs: 30.2,
  traces: [
    { socket: 'ada#1 /', expected: ['error {code: "invalid"}'], received: [] },
    { socket: 'bob#1 /', expected: [], received: ['messageNew {text: "<b>&amp;"}'] },
  ],
  reproduce: reproduce('messenger./.sendMessage.badInput.text'),
};

export const SKIPPED: CaseResult = {
  id: 'messenger./.markRead.outsider.other',
  event: 'markRead',
  namespace: '/',
  kind: 'outsider',
  status: 'skipped',
  message: SKIP_REASON,
  durationMs: 0,
  reproduce: reproduce('messenger./.markRead.outsider.other'),
};

export const HANDSHAKE: CaseResult = {
  id: 'messenger./.handshake.handshake.noToken',
  event: 'handshake',
  namespace: '/',
  kind: 'handshake',
  status: 'passed',
  message: 'refused a connection without a token',
  durationMs: 5,
  reproduce: reproduce('messenger./.handshake.handshake.noToken'),
};

export const REPORT: RunReport = {
  protocol: 'messenger',
  spec: 'specs/messenger.yaml',
  url: 'http://localhost:3000',
  seed: 42,
  startedAt: '2026-01-02T03:04:05.000Z',
  summary: { total: 4, passed: 2, failed: 1, skipped: 1, score: 2 / 3, index: 0.5667, durationMs: 1234 },
  coverage: {
    operations: { covered: 2, total: 3 },
    emits: { covered: 3, total: 5 },
    conditions: { covered: 1, total: 2 },
    errors: { covered: 2, total: 4 },
    events: [
      { namespace: '/', event: 'sendMessage', run: 2, passed: 1, failed: 1, skipped: 0, skippedReasons: [] },
      { namespace: '/', event: 'markRead', run: 0, passed: 0, failed: 0, skipped: 1, skippedReasons: [SKIP_REASON] },
      { namespace: '/', event: 'deleteMessage', run: 0, passed: 0, failed: 0, skipped: 0, skippedReasons: [] },
    ],
  },
  cases: [PASSED, FAILED, SKIPPED, HANDSHAKE],
};

/** A run where nothing ran: every report must still be well-formed. */
export const EMPTY: RunReport = {
  ...REPORT,
  summary: { total: 0, passed: 0, failed: 0, skipped: 0, score: 1, index: 0, durationMs: 3 },
  coverage: {
    operations: { covered: 0, total: 0 },
    emits: { covered: 0, total: 0 },
    conditions: { covered: 0, total: 0 },
    errors: { covered: 0, total: 0 },
    events: [],
  },
  cases: [],
};
