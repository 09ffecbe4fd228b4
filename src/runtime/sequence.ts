// The ordered emits a spec declares after a client event, and the check of a handler's emits
// against them (asyncapi/CONVENTIONS.md §4: `emits`). Plain TypeScript with no imports: the
// generator copies it verbatim into generated/runtime/.

/** One emit of a client event's sequence. */
export interface SequenceStep {
  /** The event name, or its pattern with `{param}` placeholders when the name is dynamic. */
  readonly event: string;
  /** Whether the spec emits it only under a condition (`when`); otherwise it must be emitted. */
  readonly conditional: boolean;
}

const matchers = new Map<string, RegExp>();

/** Whether an emitted name is the step's event (a dynamic name matches its pattern). */
export function isStep(step: SequenceStep, emitted: string): boolean {
  if (!step.event.includes('{')) return step.event === emitted;
  let matcher = matchers.get(step.event);
  if (matcher === undefined) {
    const source = step.event.split(/\{[^}]*\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    matcher = new RegExp(`^${source.join('.+')}$`);
    matchers.set(step.event, matcher);
  }
  return matcher.test(emitted);
}

/**
 * What is wrong with a handler's emits for a sequence, or undefined when they follow it: each
 * emit is a step of the sequence (a step may be emitted several times, to several recipients),
 * in the sequence's order, and every unconditional step was emitted by the time the handler
 * finished.
 *
 * @example sequenceProblem([{ event: 'a', conditional: false }, { event: 'b', conditional: false }], ['b', 'a'])
 *   // "'a' was emitted after 'b'; the spec's order is a, b"
 */
export function sequenceProblem(steps: readonly SequenceStep[], emitted: readonly string[]): string | undefined {
  const order = steps.map((s) => s.event).join(', ') || 'nothing';
  let at = 0;
  for (const name of emitted) {
    const index = steps.findIndex((s, i) => i >= at && isStep(s, name));
    if (index >= 0) {
      at = index;
      continue;
    }
    const earlier = steps.findIndex((s) => isStep(s, name));
    if (earlier < 0) return `'${name}' is not in the spec's sequence (${order})`;
    return `'${name}' was emitted after '${steps[at]!.event}'; the spec's order is ${order}`;
  }
  const missing = steps.filter((s) => !s.conditional && !emitted.some((name) => isStep(s, name)));
  if (missing.length > 0) return `${missing.map((s) => `'${s.event}'`).join(', ')} never emitted, though the spec's sequence (${order}) always emits ${missing.length === 1 ? 'it' : 'them'}`;
  return undefined;
}
