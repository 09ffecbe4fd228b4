/**
 * The cases of one client event: its sequence (first, later, with the counterpart offline), an
 * actor field naming another user, a user outside the conversation, schema-breaking payloads.
 */
import type { EventPlan } from '../../behaviour/index.js';
import type { ErrorKind } from '../../runtime/errors.js';
import { invalidPayloads } from '../../spec/invalid-payloads.js';
import { needsConversation, type CaseSpec } from '../cases.js';
import type { TabSocket } from '../clients.js';
import { needsMessage, type Binding } from '../requests.js';
import { Skip, type CaseRunner } from '../runner.js';
import { Mismatch, type Scenario } from '../scenario.js';

export async function eventCase(runner: CaseRunner, c: CaseSpec): Promise<string> {
  const plan = c.plan!;
  const e = plan.event;
  const { sc, actor, peer, outsider } = await runner.scenario({ actorTabs: 2, peer: c.variant !== 'counterpart offline', outsider: true });
  try {
    const from = sc.tabs[0]!.socket(c.namespace);
    if (!from) throw new Skip(`${actor.label}'s role (${actor.role}) may not use ${c.namespace}`);
    const prepared = needsConversation(e) || c.kind === 'outsider' ? await runner.prepare(sc, actor, peer, needsMessage(e)) : {};
    const binding: Binding = { actor, peer, ...prepared, unique: runner.next() };
    if (c.kind === 'sequence' && c.variant === 'retry') {
      // The same request twice (same idempotency key): stored once, the first send's emits again.
      const bound = runner.bind(e, binding);
      if ('skip' in bound) throw new Skip(bound.skip);
      for (const what of ['the first send', 'the retry']) {
        await runner.guarded(what, () => runner.exchange(sc, from, e.name, bound.request, sc.expectEvent(plan, c.namespace, bound.request, from), e.ack !== undefined));
      }
      return `a retried ${e.name} (the same idempotency key) repeated the first send's emits, about the same stored message`;
    }
    if (c.kind === 'sequence') {
      if (c.variant === 'later') await runner.guarded('the first send', () => runner.step(sc, plan, c.namespace, { ...binding, unique: runner.next() }, from));
      await runner.step(sc, plan, c.namespace, binding, from);
      return `the sequence of ${e.name} (${c.variant}) arrived as the spec says`;
    }
    if (c.kind === 'identity') {
      const bound = runner.bind(e, binding);
      if ('skip' in bound) throw new Skip(bound.skip);
      const impostor = runner.bind(e, { ...binding, actor: { ...peer, key: actor.key } });
      if ('skip' in impostor) throw new Skip(impostor.skip);
      await runner.exchange(sc, from, e.name, impostor.request, sc.expectError(from, 'forbidden', e.name));
      return `${e.name} naming another user as its actor was refused (forbidden)`;
    }
    if (c.kind === 'outsider') {
      const outsiderSocket = sc.tabs.find((t) => t.user === outsider)?.socket(c.namespace);
      if (!outsiderSocket) throw new Skip(`${outsider.label} has no socket on ${c.namespace}`);
      await runner.step(sc, plan, c.namespace, { ...binding, actor: outsider, unique: runner.next() }, outsiderSocket);
      return `${e.name} by a user outside the conversation was answered as the spec says, nothing leaked`;
    }
    return await badInput(runner, sc, c, plan, binding, from);
  } finally {
    runner.absorb(sc);
    sc.closeAll();
  }
}


async function badInput(runner: CaseRunner, sc: Scenario, c: CaseSpec, plan: EventPlan, binding: Binding, from: TabSocket): Promise<string> {
  const e = plan.event;
  const bound = runner.bind(e, binding);
  if ('skip' in bound) throw new Skip(bound.skip);
  const validate = (p: unknown) => runner.world.validate(c.namespace, 'client', e.name, p);
  if (validate(bound.request).length) throw new Skip(`the bound request of ${e.name} is not valid itself: ${validate(bound.request)[0]!.message}`);
  const payloads = invalidPayloads(runner.source.data, e.payload, bound.request, { seed: runner.options.seed, count: runner.options.badInputs, isInvalid: (p) => validate(p).length > 0 });
  for (const bad of payloads) {
    const kind: ErrorKind = validate(bad.payload)[0]?.tooLarge ? 'payloadTooLarge' : 'invalidPayload';
    try {
      await runner.exchange(sc, from, e.name, bad.payload, sc.expectError(from, kind, e.name));
    } catch (error) {
      if (error instanceof Mismatch) throw new Mismatch(`${bad.label}: ${error.message}`, error.traces);
      throw error;
    }
    if (!from.socket.connected) throw new Mismatch(`${bad.label}: the socket was disconnected`, []);
  }
  return `${payloads.length} schema-breaking payloads of ${e.name} each got the error event, nothing else was sent, the socket stayed served`;
}

