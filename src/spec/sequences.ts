/**
 * Each client event's sequence as the runtime checks it: the events the spec emits after it, in
 * order, and whether each is conditional. Derived from the model once, for the generated stubs
 * (serialised), the mock (used as is) and the generated docs (the emitted events' names).
 */
import type { SequenceStep } from '../runtime/sequence.js';
import { refName, type EventModel, type NamespaceModel, type ProtocolModel } from './model.js';
import { asList } from './vocabulary.js';

/** The server event an emit's `message` reference names (`#/channels/<namespace>/messages/<key>`), and its namespace. */
export function emittedEvent(model: ProtocolModel, ref: string): { event: EventModel; namespace: NamespaceModel } | undefined {
  const channel = /^#\/channels\/([^/]+)\/messages\//.exec(ref)?.[1];
  const key = refName(ref);
  const namespace = model.namespaces.find((ns) => ns.key === channel);
  const event = namespace?.events.find((e) => e.direction === 'server' && e.channelMessageKey === key);
  return event && namespace ? { event, namespace } : undefined;
}

/** The wire name of the event an emit's `message` reference names (the reference's key when it names none). */
export function emittedEventName(model: ProtocolModel, ref: string): string {
  return emittedEvent(model, ref)?.event.name ?? refName(ref);
}

/** The sequence of a client event: its `emits`, each with its event name and whether it has a `when`. */
export function sequenceOf(model: ProtocolModel, event: EventModel): SequenceStep[] {
  return (event.reaction?.emits ?? []).map((emit) => ({ event: emittedEventName(model, emit.message.$ref), conditional: asList(emit.when).length > 0 }));
}
