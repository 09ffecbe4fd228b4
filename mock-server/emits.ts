/**
 * One emit of a sequence (CONVENTIONS.md §4), compiled: its condition, its recipients, its
 * event name (with `params` for dynamic names) and its payload; delivered socket by socket, one
 * payload per receiving user where the payload depends on who receives it.
 */
import type { EventModel } from '../src/spec/model.js';
import type { Emit } from '../src/spec/vocabulary.js';
import type { MockContext } from './context.js';
import { compileConditions, type CompiledCondition } from './conditions.js';
import { compileValue, dependsOnRecipient, type Scope } from './expressions.js';
import { compilePayload, type PayloadPlan } from './payload.js';
import { compileRecipients, namesCounterparts, type CompiledRecipient, type Delivery, type SocketDirectory } from './recipients.js';
import type { Renderer } from './render.js';

export interface EmitTarget {
  readonly directory: SocketDirectory;
  /** Sends to one socket of the namespace. */
  send(socketId: string, event: string, payload: unknown): void;
  /** Sends one payload to several sockets (encoded once); returns how many. */
  sendMany(socketIds: Iterable<string>, event: string, payload: unknown): number;
}

export interface CompiledEmit {
  readonly event: EventModel;
  readonly namespace: string;
  readonly payload: PayloadPlan;
  readonly when: CompiledCondition;
  readonly counterparts: boolean;
  /** The sockets that receive it, grouped by receiving user. */
  recipients(scope: Scope, socketId: string | undefined): Delivery;
  /** Sends it (conditions already checked). Returns the number of sockets it reached. */
  deliver(scope: Scope, socketId: string | undefined, renderer: Renderer): number;
}

/** The event name of a copy: the wire name, or the pattern with its parameters filled. */
function compileName(event: EventModel, params: Readonly<Record<string, string>> | undefined): (scope: Scope) => string {
  if (!params || !/\{/.test(event.name)) return () => event.name;
  const evaluators = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, compileValue(v)]));
  return (scope) => event.name.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, p: string) => String(evaluators[p]?.(scope) ?? ''));
}

export function compileEmit(
  ctx: MockContext,
  emit: Emit,
  target: EmitTarget,
  presenceNamespace: string,
  requestSchema?: unknown,
): CompiledEmit {
  const found = ctx.spec.eventOf(emit.message);
  if (!found) throw new Error(`emit of an unknown message ${JSON.stringify(emit.message)}`);
  const { event, namespace } = found;
  const payload = compilePayload(ctx, event, namespace.path, emit.fields ?? {}, requestSchema);
  const when = compileConditions(emit.when, (key) => ctx.presence.isOnline(key, presenceNamespace));
  const to: CompiledRecipient = compileRecipients(emit.to);
  const nameOf = compileName(event, emit.params);
  const perRecipient = payload.viewerDependent || dependsOnRecipient(Object.values(emit.params ?? {})) || dependsOnRecipient(Object.values(emit.fields ?? {}));

  const recipients = (scope: Scope, socketId: string | undefined): Delivery => {
    const out: Delivery = new Map();
    to(scope, target.directory, socketId, out);
    return out;
  };

  return {
    event,
    namespace: namespace.path,
    payload,
    when,
    counterparts: namesCounterparts(emit.to),
    recipients,
    deliver(scope, socketId, renderer) {
      const delivery = recipients(scope, socketId);
      let sent = 0;
      let shared: { name: string; payload: unknown } | undefined;
      const saved = scope.recipient;
      if (!perRecipient && delivery.size > 0) {
        // The same payload for everyone: built once, sent in one broadcast (encoded once).
        const [key] = delivery.keys();
        scope.recipient = key ? { key, id: ctx.users.idOf(key) } : saved;
        const copy = { name: nameOf(scope), payload: payload.build(scope, renderer, { viewer: key || scope.actor.key, presenceNamespace }) };
        scope.recipient = saved;
        const ids: string[] = [];
        for (const sockets of delivery.values()) for (const id of sockets) if (!(ctx.settings.drop > 0 && ctx.dropRng.chance(ctx.settings.drop))) ids.push(id);
        return target.sendMany(ids, copy.name, copy.payload);
      }
      for (const [key, sockets] of delivery) {
        let copy = shared;
        if (!copy || perRecipient) {
          scope.recipient = key ? { key, id: ctx.users.idOf(key) } : saved;
          copy = { name: nameOf(scope), payload: payload.build(scope, renderer, { viewer: key || scope.actor.key, presenceNamespace }) };
          shared = copy;
        }
        let ids: Iterable<string> = sockets;
        if (ctx.settings.drop > 0) {
          const kept: string[] = [];
          for (const id of sockets) {
            if (ctx.dropRng.chance(ctx.settings.drop)) ctx.logger.debug({ event: copy.name, socket: id }, 'dropped');
            else kept.push(id);
          }
          ids = kept;
        }
        sent += target.sendMany(ids, copy.name, copy.payload);
      }
      scope.recipient = saved;
      return sent;
    },
  };
}
