/**
 * What a contract run produces: one result per case, and what the run covered of the spec. The
 * reports (report/) are views of a {@link RunReport}; nothing else is computed there.
 */

/** What a case checks. */
export type CaseKind =
  /** A valid request: every emit of the sequence, in order, to exactly the specified sockets. */
  | 'sequence'
  /** A payload that breaks the schema: the error event, nothing to anyone else, the socket still served. */
  | 'badInput'
  /** An actor field naming another user: refused. */
  | 'identity'
  /** A user acting on a conversation of others: refused, nothing leaked. */
  | 'outsider'
  /** Connecting without, or with a bad, credential; namespaces in the wrong order. */
  | 'handshake'
  /** Connect and disconnect emits to counterparts. */
  | 'lifecycle'
  /** What a user made shows in their later lists; what they deleted does not. */
  | 'state';

export type CaseStatus = 'passed' | 'failed' | 'skipped';

/** One socket's events: what the spec expects and what arrived, each as `event payload-summary`. */
export interface SocketTrace {
  /** `ada#1 /chat`: the user, which of their sockets, the namespace. */
  readonly socket: string;
  readonly expected: readonly string[];
  readonly received: readonly string[];
}

export interface CaseResult {
  /** Stable across runs with the same seed: `messenger./.sendMessage.sequence.first`. */
  readonly id: string;
  /** The client event's wire name (or `handshake` / `connect`). */
  readonly event: string;
  readonly namespace: string;
  readonly kind: CaseKind;
  readonly status: CaseStatus;
  /** Why it failed or was skipped; what it checked when it passed. */
  readonly message: string;
  readonly durationMs: number;
  /** For a failure: each socket's expected and received events. */
  readonly traces?: readonly SocketTrace[];
  /** The command line that runs this case alone. */
  readonly reproduce: string;
}

/** A count of what the spec has and what the run exercised of it. */
export interface Share {
  readonly covered: number;
  readonly total: number;
}

export interface Coverage {
  /** Client events with at least one case run. */
  readonly operations: Share;
  /** Emits of sequences and lifecycles seen expected by a passing or failing case. */
  readonly emits: Share;
  /** Conditions (each side counts) exercised. */
  readonly conditions: Share;
  /** Error cases (bad input, identity, outsider, handshake) run. */
  readonly errors: Share;
  /** Per client event (`/chat sendMessage`), the cases run and the reasons of those skipped. */
  readonly events: readonly EventCoverage[];
}

export interface EventCoverage {
  readonly namespace: string;
  readonly event: string;
  readonly run: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly skippedReasons: readonly string[];
}

export interface RunSummary {
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** Passed over run (passed + failed), 0..1; 1 when nothing ran. */
  readonly score: number;
  /** The conformance index: the share of the spec's operations, emits, conditions and error cases exercised, 0..1. */
  readonly index: number;
  readonly durationMs: number;
}

export interface RunReport {
  readonly protocol: string;
  /** The spec file as given. */
  readonly spec: string;
  readonly url: string;
  readonly seed: number;
  readonly startedAt: string;
  readonly summary: RunSummary;
  readonly coverage: Coverage;
  readonly cases: readonly CaseResult[];
}
