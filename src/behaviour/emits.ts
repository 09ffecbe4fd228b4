/**
 * One emit of a sequence or a lifecycle (CONVENTIONS.md §4), compiled: the server event it sends,
 * its condition, its recipients, its name (with `params` for dynamic names) and the fields the
 * spec correlates with the request or the state (`fields`). Building the rest of the payload is
 * the user's business: the mock fakes it, a contract test reads it off the wire.
 */
import type { EventModel, ProtocolModel } from '../spec/model.js';
import { parsePath, type Segment } from '../spec/paths.js';
import { emittedEvent } from '../spec/sequences.js';
import type { Emit } from '../spec/vocabulary.js';
import { compileConditions, type CompiledCondition } from './conditions.js';
import { compileValue, dependsOnRecipient, type Evaluator } from './expressions.js';
import { compileRecipients, namesCounterparts, type Delivery, type SocketDirectory } from './recipients.js';
import type { Scope } from './scope.js';

export interface FieldPlan {
  readonly path: readonly Segment[];
  readonly value: Evaluator;
}

export interface EmitPlan {
  /** The emit as the spec writes it. */
  readonly emit: Emit;
  readonly event: EventModel;
  /** The namespace it is sent on. */
  readonly namespace: string;
  readonly when: CompiledCondition;
  /** Sent once per conversation of the actor and counterpart in it (a lifecycle's `counterparts`). */
  readonly counterparts: boolean;
  /** Whether the name or the spec's fields depend on who receives it. */
  readonly perRecipient: boolean;
  readonly fields: readonly FieldPlan[];
  /** The event name on the wire: the name, or the pattern with its parameters filled. */
  name(scope: Scope): string;
  /** The sockets that receive it, grouped by receiving user. */
  recipients(scope: Scope, sockets: SocketDirectory, socketId: string | undefined): Delivery;
}

/** The name of a copy: the wire name, or the pattern with its parameters filled. */
function compileName(event: EventModel, params: Readonly<Record<string, string>> | undefined): (scope: Scope) => string {
  if (!params || !/\{/.test(event.name)) return () => event.name;
  const evaluators = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, compileValue(v)]));
  return (scope) => event.name.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, p: string) => String(evaluators[p]?.(scope) ?? ''));
}

export function compileEmit(model: ProtocolModel, emit: Emit): EmitPlan {
  const found = emittedEvent(model, emit.message.$ref);
  if (!found) throw new Error(`emit of an unknown message ${JSON.stringify(emit.message)}`);
  const to = compileRecipients(emit.to);
  const fields = Object.entries(emit.fields ?? {}).map(([dotted, v]) => ({ path: parsePath(dotted), value: compileValue(v) }));
  return {
    emit,
    event: found.event,
    namespace: found.namespace.path,
    when: compileConditions(emit.when),
    counterparts: namesCounterparts(emit.to),
    perRecipient: dependsOnRecipient(Object.values(emit.params ?? {})) || dependsOnRecipient(Object.values(emit.fields ?? {})),
    fields,
    name: compileName(found.event, emit.params),
    recipients(scope, sockets, socketId) {
      const out: Delivery = new Map();
      to(scope, sockets, socketId, out);
      return out;
    },
  };
}
