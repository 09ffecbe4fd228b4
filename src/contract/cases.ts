/**
 * The cases of a spec, derived per client event from its behaviour plan: what each sets up, sends
 * and expects. Nothing here is written per protocol: the plan says who receives what, the
 * schemas say what is invalid, the handshake says what must be refused.
 */
import type { EmitPlan, EventPlan, NamespacePlan } from '../behaviour/index.js';
import type { EventModel } from '../spec/model.js';
import { asList } from '../spec/vocabulary.js';
import type { CaseKind } from './results.js';
import { createsConversation, namesConversationById, needsMessage } from './requests.js';

export interface CaseSpec {
  readonly id: string;
  readonly kind: CaseKind;
  readonly namespace: string;
  /** The client event (or `handshake`, `connect`). */
  readonly event: string;
  /** What the case varies: `first`, `later`, `offline`, the bad payload's label, the bad token… */
  readonly variant: string;
  readonly plan?: EventPlan;
}

const slug = (text: string): string => text.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'x';

/** Whether an event's sequence has an emit conditioned on presence (so the receiver's being offline matters). */
function presenceConditioned(event: EventModel): boolean {
  return (event.reaction?.emits ?? []).some((e) => asList(e.when).some((c) => typeof c === 'object'));
}

/** Whether an event needs a conversation made before it (it cannot make its own). */
export function needsConversation(event: EventModel): boolean {
  const alternatives = asList(event.reaction?.conversation);
  if (alternatives.length === 0) return needsMessage(event);
  return !createsConversation(event) || needsMessage(event);
}

/** The identity case applies where the request names its actor. */
const actorPaths = (event: EventModel) => asList(event.reaction?.actor).filter((a) => typeof a === 'string' && a.startsWith('$request.'));

/** Whether an event stores a message under a client's idempotency key (a retry must store nothing new). */
function idempotent(event: EventModel): boolean {
  const effect = event.reaction?.effect;
  if (typeof effect !== 'object') return false;
  return ('storeMessage' in effect && effect.storeMessage.clientId !== undefined) || ('storeMedia' in effect && effect.storeMedia.clientId !== undefined);
}

/** Whether an event changes no messages or conversations (its lists show the state as it is). */
function readsOnly(event: EventModel): boolean {
  const effect = event.reaction?.effect;
  return effect === undefined || typeof effect === 'string' || 'markRead' in effect;
}

/** Whether emits show lists of conversations or messages (a state case can look into them). */
export type ListsOf = (emits: readonly EmitPlan[]) => boolean;

export function casesOf(protocol: string, namespaces: readonly NamespacePlan[], options: { badInputs: number; canForge: boolean; lists: ListsOf }): CaseSpec[] {
  const out: CaseSpec[] = [];
  const add = (c: Omit<CaseSpec, 'id'>) => out.push({ ...c, id: `${protocol}.${c.namespace}.${c.event}.${c.kind}.${slug(c.variant)}` });
  for (const ns of namespaces) {
    const x = ns.model.socketio;
    const h = x.handshake;
    if (h.jwt) {
      add({ kind: 'handshake', namespace: ns.path, event: 'handshake', variant: 'no credential' });
      add({ kind: 'handshake', namespace: ns.path, event: 'handshake', variant: 'malformed token' });
      if (options.canForge) {
        add({ kind: 'handshake', namespace: ns.path, event: 'handshake', variant: 'bad signature' });
        add({ kind: 'handshake', namespace: ns.path, event: 'handshake', variant: 'expired token' });
      }
    }
    if (x.requires?.some((r) => r.check === 'online') && x.presence) add({ kind: 'handshake', namespace: ns.path, event: 'handshake', variant: `before ${x.presence}` });
    const lifecycleToOthers = [...ns.onConnect.emits, ...ns.onDisconnect.emits].some((e) => asList(e.emit.to).some((t) => t === 'counterparts' || t === 'namespace'));
    if (lifecycleToOthers) add({ kind: 'lifecycle', namespace: ns.path, event: 'connect', variant: 'counterpart leaves and comes back' });
    if (options.lists(ns.onConnect.emits)) add({ kind: 'state', namespace: ns.path, event: 'connect', variant: 'lists on connect' });

    for (const plan of ns.events.values()) {
      const e = plan.event;
      add({ kind: 'sequence', namespace: ns.path, event: e.name, variant: needsConversation(e) ? 'existing' : 'first', plan });
      if (createsConversation(e) && !needsConversation(e)) add({ kind: 'sequence', namespace: ns.path, event: e.name, variant: 'later', plan });
      if (idempotent(e)) add({ kind: 'sequence', namespace: ns.path, event: e.name, variant: 'retry', plan });
      if (presenceConditioned(e)) add({ kind: 'sequence', namespace: ns.path, event: e.name, variant: 'counterpart offline', plan });
      if (options.badInputs > 0) add({ kind: 'badInput', namespace: ns.path, event: e.name, variant: 'schema', plan });
      if (actorPaths(e).length) add({ kind: 'identity', namespace: ns.path, event: e.name, variant: 'another user', plan });
      if (namesConversationById(e) || needsMessage(e)) add({ kind: 'outsider', namespace: ns.path, event: e.name, variant: 'conversation of others', plan });
      if (readsOnly(e) && options.lists(plan.emits)) add({ kind: 'state', namespace: ns.path, event: e.name, variant: 'lists', plan });
    }
  }
  return out;
}

/** Whether a case id or event matches `--only` (a substring, or `*` wildcards). */
export function matchesOnly(c: CaseSpec, pattern: string | undefined): boolean {
  if (!pattern) return true;
  const parts = pattern.split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) return true;
  return parts.some((p) => {
    const re = new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    return re.test(c.id) || re.test(c.event) || c.id.includes(p);
  });
}
