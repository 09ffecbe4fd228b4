/**
 * A spec's behaviour, compiled: for each namespace, what happens on each client event and on
 * connect and disconnect. An event resolves its conversation (before any effect), checks its
 * guards (the first failure is thrown as a ProtocolError and nothing else happens), applies its
 * effect to the state, then hands over each emit of its sequence whose condition holds, in order.
 * The plan knows no storage and no transport: the caller gives a state, and a `deliver` that
 * sends (the mock) or expects (a contract test) each emit.
 */
import type { EventModel, NamespaceModel, ProtocolModel } from '../spec/model.js';
import type { LifecycleEntry, ReceiveOperationExt } from '../spec/vocabulary.js';
import { compileConversation } from './conversations.js';
import { compileEffect, type CompiledEffect } from './effects.js';
import { compileEmit, type EmitPlan } from './emits.js';
import { compileGuards } from './guards.js';
import type { Scope } from './scope.js';
import type { BehaviourState, Records } from './state.js';

/** Where a plan runs: the state, and the socket whose event it is (if any). */
export interface RunEnv<R extends Records = Records> {
  readonly state: BehaviourState<R>;
  /** Subscribes the event's socket to rooms (absent for fake peers and the control API). */
  readonly join?: (rooms: string[]) => void;
}

/** Receives each emit whose condition holds, in the spec's order, with the scope bound for it. */
export type Deliver = (emit: EmitPlan) => void;

export interface EventPlan {
  readonly event: EventModel;
  /** The sequence, in order. */
  readonly emits: readonly EmitPlan[];
  /** The emit whose message is the acknowledgement's, where the operation has a `reply` sent as one. */
  readonly ackEmit?: EmitPlan;
  /** Answers one event: throws the failing guard's ProtocolError, or applies the effect and delivers. */
  run<R extends Records>(scope: Scope<R>, env: RunEnv<R>, deliver: Deliver): void;
}

export interface LifecyclePlan {
  readonly empty: boolean;
  /** Its emits, in order. */
  readonly emits: readonly EmitPlan[];
  /** Applies effects and delivers emits in order; a `counterparts` emit once per (conversation, counterpart), bound in the scope. */
  run<R extends Records>(scope: Scope<R>, env: RunEnv<R>, deliver: Deliver): void;
}

export interface NamespacePlan {
  readonly model: NamespaceModel;
  readonly path: string;
  /** The namespace whose sockets say who is online (`presence`, or this one). */
  readonly presenceNamespace: string;
  /** By wire name. */
  readonly events: ReadonlyMap<string, EventPlan>;
  readonly onConnect: LifecyclePlan;
  readonly onDisconnect: LifecyclePlan;
}

export interface BehaviourPlan {
  readonly model: ProtocolModel;
  readonly namespaces: readonly NamespacePlan[];
  namespace(path: string): NamespacePlan | undefined;
}

function compileEvent(model: ProtocolModel, event: EventModel, presenceNamespace: string): EventPlan {
  const reaction: ReceiveOperationExt = event.reaction ?? { emits: [] };
  const conversation = compileConversation(reaction.conversation);
  const guards = compileGuards(reaction.guards);
  const effect = compileEffect(reaction.effect);
  const emits = reaction.emits.map((e) => compileEmit(model, e));
  return {
    event,
    emits,
    ackEmit: event.ack === undefined ? undefined : emits.find((e) => e.event.payload === event.ack),
    run(scope, env, deliver) {
      const resolution = conversation(scope, env.state);
      scope.conversation = resolution.conversation;
      scope.conversationExisted = resolution.conversation !== undefined;
      guards(scope, resolution, env.state);
      effect(scope, { state: env.state, resolution, presenceNamespace, join: env.join });
      // A retry's conditions read the stored delivery state of the message, not presence now.
      const retried = scope.retried ? scope.message : undefined;
      const isOnline = retried ? (key: string) => env.state.deliveredTo(retried, key) : (key: string) => env.state.isOnline(key, presenceNamespace);
      for (const emit of emits) if (emit.when(scope, isOnline)) deliver(emit);
    },
  };
}

function compileLifecycle(model: ProtocolModel, entries: readonly LifecycleEntry[] | undefined, presenceNamespace: string): LifecyclePlan {
  const steps: ({ effect: CompiledEffect } | { emit: EmitPlan })[] = (entries ?? []).map((entry) =>
    'message' in entry ? { emit: compileEmit(model, entry) } : { effect: compileEffect(entry.effect) },
  );
  return {
    empty: steps.length === 0,
    emits: steps.flatMap((step) => ('emit' in step ? [step.emit] : [])),
    run(scope, env, deliver) {
      const isOnline = (key: string) => env.state.isOnline(key, presenceNamespace);
      for (const step of steps) {
        if ('effect' in step) {
          step.effect(scope, { state: env.state, resolution: { named: false }, presenceNamespace, join: env.join });
          continue;
        }
        const emit = step.emit;
        if (!emit.when(scope, isOnline)) continue;
        if (!emit.counterparts) {
          deliver(emit);
          continue;
        }
        for (const conv of env.state.conversationsOf(scope.actor.key)) {
          for (const key of conv.participants) {
            if (key === scope.actor.key) continue;
            scope.conversation = conv;
            scope.recipient = { key, id: env.state.idOf(key) };
            deliver(emit);
          }
        }
        scope.conversation = undefined;
        scope.recipient = undefined;
      }
    },
  };
}

/** Compiles a spec's behaviour (once per spec: every expression, recipient and condition is compiled here). */
export function compileBehaviour(model: ProtocolModel): BehaviourPlan {
  const namespaces = model.namespaces.map((ns): NamespacePlan => {
    const presenceNamespace = ns.socketio.presence ?? ns.path;
    const events = new Map<string, EventPlan>();
    for (const event of ns.events) if (event.direction === 'client') events.set(event.name, compileEvent(model, event, presenceNamespace));
    return {
      model: ns,
      path: ns.path,
      presenceNamespace,
      events,
      onConnect: compileLifecycle(model, ns.socketio.onConnect, presenceNamespace),
      onDisconnect: compileLifecycle(model, ns.socketio.onDisconnect, presenceNamespace),
    };
  });
  return { model, namespaces, namespace: (path) => namespaces.find((ns) => ns.path === path) };
}
