/** The cases of a run by client event, the unit the summary counts and JUnit calls a suite. */
import type { CaseResult } from '../results.js';

export interface EventGroup {
  readonly namespace: string;
  readonly event: string;
  readonly cases: readonly CaseResult[];
}

/** Groups in the order their first case ran, which a seed makes stable across runs. */
export function groupByEvent(cases: readonly CaseResult[]): EventGroup[] {
  const groups = new Map<string, { namespace: string; event: string; cases: CaseResult[] }>();
  for (const c of cases) {
    // A NUL cannot occur in a namespace or an event name, so the key cannot collide.
    const key = `${c.namespace}\u0000${c.event}`;
    let group = groups.get(key);
    if (!group) {
      group = { namespace: c.namespace, event: c.event, cases: [] };
      groups.set(key, group);
    }
    group.cases.push(c);
  }
  return [...groups.values()];
}

/** `/chat sendMessage`, the way the spec's coverage names a client event. */
export function eventName(namespace: string, event: string): string {
  return `${namespace} ${event}`;
}
