/** What a run exercised of the spec: per event, and the four shares of the conformance index. */
import type { BehaviourPlan } from '../behaviour/index.js';
import type { CaseSpec } from './cases.js';
import type { CaseResult, Coverage } from './results.js';

export function coverageOf(plan: BehaviourPlan, cases: readonly CaseSpec[], results: readonly CaseResult[], seen: { readonly emitsSeen: ReadonlySet<string>; readonly conditionSides: ReadonlySet<string> }): Coverage {
  const events = plan.namespaces.flatMap((ns) => [...ns.events.values()].map((e) => ({ ns: ns.path, e })));
  const ran = (r: CaseResult) => r.status !== 'skipped';
  const perEvent = events.map(({ ns, e }) => {
    const mine = results.filter((r) => r.namespace === ns && r.event === e.event.name);
    return {
      namespace: ns,
      event: e.event.name,
      run: mine.filter(ran).length,
      passed: mine.filter((r) => r.status === 'passed').length,
      failed: mine.filter((r) => r.status === 'failed').length,
      skipped: mine.filter((r) => r.status === 'skipped').length,
      skippedReasons: [...new Set(mine.filter((r) => r.status === 'skipped').map((r) => r.message))],
    };
  });
  const emitIds = plan.namespaces.flatMap((ns) => [
    ...[...ns.events.values()].flatMap((e) => e.emits.map((_, i) => `${ns.path} ${e.event.name} #${i + 1}`)),
    ...ns.onConnect.emits.map((_, i) => `${ns.path} onConnect #${i + 1}`),
    ...ns.onDisconnect.emits.map((_, i) => `${ns.path} onDisconnect #${i + 1}`),
  ]);
  const conditionSides = plan.namespaces.flatMap((ns) => [...ns.events.values()].flatMap((e) => e.emits.flatMap((emit, i) => (emit.emit.when === undefined ? [] : ['holds', 'fails'].map((side) => `${ns.path} ${e.event.name} #${i + 1} ${side}`)))));
  const errorCases = cases.filter((c) => c.kind !== 'sequence' && c.kind !== 'lifecycle');
  return {
    operations: { covered: perEvent.filter((p) => p.run > 0).length, total: events.length },
    emits: { covered: emitIds.filter((id) => seen.emitsSeen.has(id)).length, total: emitIds.length },
    conditions: { covered: conditionSides.filter((s) => seen.conditionSides.has(s)).length, total: conditionSides.length },
    errors: { covered: results.filter((r) => errorCases.some((c) => c.id === r.id) && ran(r)).length, total: errorCases.length },
    events: perEvent,
  };
}

