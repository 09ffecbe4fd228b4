/**
 * Each client event's sequence as the runtime checks it: the events the spec emits after it, in
 * order, and whether each is conditional. Derived from the model once, for the generated stubs
 * (serialised), the mock (used as is) and the generated docs (the emitted events' names).
 */
import type { SequenceStep } from '../runtime/sequence.js';
import { refName, type EventModel, type ProtocolModel } from './model.js';
import { asList } from './vocabulary.js';

/** The event an emit's `message` reference names (`#/channels/<namespace>/messages/<key>`), on the wire. */
export function emittedEventName(model: ProtocolModel, ref: string): string {
  const channel = /^#\/channels\/([^/]+)\/messages\//.exec(ref)?.[1];
  const key = refName(ref);
  const event = model.namespaces.find((ns) => ns.key === channel)?.events.find((e) => e.direction === 'server' && e.key === key);
  return event?.name ?? key;
}

/** The sequence of a client event: its `emits`, each with its event name and whether it has a `when`. */
export function sequenceOf(model: ProtocolModel, event: EventModel): SequenceStep[] {
  return (event.reaction?.emits ?? []).map((emit) => ({ event: emittedEventName(model, emit.message.$ref), conditional: asList(emit.when).length > 0 }));
}
