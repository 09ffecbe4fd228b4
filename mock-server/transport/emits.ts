/**
 * Sending one emit of the behaviour plan: its payload built by the mock (payload.ts), one per
 * receiving user where the payload depends on who receives it, to the sockets the plan's
 * recipients name; some copies dropped when the control API asks for lossy delivery.
 */
import type { Delivery, EmitPlan, Scope, SocketDirectory } from '../../src/behaviour/index.js';
import type { MockContext } from '../context.js';
import { compilePayload, type PayloadPlan } from '../payloads/payload.js';
import type { Renderer } from '../payloads/render.js';
import type { MockRecords } from '../state/world.js';

export interface EmitTarget {
  readonly directory: SocketDirectory;
  /** Sends to one socket of the namespace. */
  send(socketId: string, event: string, payload: unknown): void;
  /** Sends one payload to several sockets (encoded once); returns how many. */
  sendMany(socketIds: Iterable<string>, event: string, payload: unknown): number;
}

export interface MockEmit {
  readonly plan: EmitPlan;
  readonly payload: PayloadPlan;
  /** The sockets that receive it, grouped by receiving user. */
  recipients(scope: Scope<MockRecords>, socketId: string | undefined): Delivery;
  /** Sends it (its condition already checked). Returns the number of sockets it reached. */
  deliver(scope: Scope<MockRecords>, socketId: string | undefined, renderer: Renderer): number;
}

/** @param requestSchema the schema of the client event's payload, for carrying fields over */
export function compileMockEmit(ctx: MockContext, plan: EmitPlan, target: EmitTarget, presenceNamespace: string, requestSchema?: unknown): MockEmit {
  const payload = compilePayload(ctx, plan.event, plan.namespace, plan.emit.fields ?? {}, requestSchema);
  const perRecipient = payload.viewerDependent || plan.perRecipient;
  const kept = (ids: Iterable<string>, event: string): Iterable<string> => {
    if (!(ctx.settings.drop > 0)) return ids;
    const out: string[] = [];
    for (const id of ids) {
      if (ctx.dropRng.chance(ctx.settings.drop)) ctx.logger.debug({ event, socket: id }, 'dropped');
      else out.push(id);
    }
    return out;
  };
  const recipients = (scope: Scope<MockRecords>, socketId: string | undefined) => plan.recipients(scope, target.directory, socketId);
  const copyFor = (scope: Scope<MockRecords>, key: string, renderer: Renderer) => {
    const saved = scope.recipient;
    scope.recipient = key ? { key, id: ctx.users.idOf(key) } : saved;
    const copy = { name: plan.name(scope), payload: payload.build(scope, renderer, { viewer: key || scope.actor.key, presenceNamespace }) };
    scope.recipient = saved;
    return copy;
  };

  return {
    plan,
    payload,
    recipients,
    deliver(scope, socketId, renderer) {
      const delivery = recipients(scope, socketId);
      if (delivery.size === 0) return 0;
      if (!perRecipient) {
        // The same payload for everyone: built once, sent in one broadcast (encoded once).
        const [key] = delivery.keys();
        const copy = copyFor(scope, key!, renderer);
        const ids: string[] = [];
        for (const sockets of delivery.values()) for (const id of kept(sockets, copy.name)) ids.push(id);
        return target.sendMany(ids, copy.name, copy.payload);
      }
      let sent = 0;
      for (const [key, sockets] of delivery) {
        const copy = copyFor(scope, key, renderer);
        sent += target.sendMany(kept(sockets, copy.name), copy.name, copy.payload);
      }
      return sent;
    },
  };
}
