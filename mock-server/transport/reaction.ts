/**
 * What the mock does on one client event, for any spec: the behaviour plan's event
 * (src/behaviour) run over the mock's state, each emit it hands over sent by the mock. Before
 * it, the mock's own bookkeeping: the clock, the user seen, profiles in the request learnt.
 * Validation, identity checks and the error event are the runtime's (`attachNamespace`).
 */
import type { Socket } from 'socket.io';
import { newScope, userIdIn, type Actor, type EmitPlan, type EventPlan, type RunEnv, type Scope } from '../../src/behaviour/index.js';
import { objectsAt, type Segment } from '../../src/spec/paths.js';
import type { MockContext } from '../context.js';
import { compileMockEmit, type EmitTarget, type MockEmit } from './emits.js';
import { isUserSchema } from '../spec/entities.js';
import { Renderer } from '../payloads/render.js';
import { Store } from '../state/state.js';
import type { MockRecords } from '../state/world.js';

/** Who sent an event: a connected socket, or a fake peer (no socket). */
export interface Origin {
  readonly actor: Actor;
  readonly socket?: Socket;
}

/** Paths of user objects in a request schema (`user`, `participants.*`, or the request itself). */
function userObjectPaths(ctx: MockContext, schema: unknown, path: Segment[] = [], depth = 0): Segment[][] {
  const index = ctx.spec.index;
  if (depth > 3 || schema === undefined) return [];
  if (index.isArray(schema)) return userObjectPaths(ctx, index.items(schema), [...path, '*'], depth + 1);
  if (!index.isObject(schema)) return [];
  const props = index.properties(schema);
  const names = Object.keys(props).map((k) => k.toLowerCase().replace(/[^a-z0-9]/g, ''));
  const own = isUserSchema(ctx.spec.index, schema) || (names.some((n) => /^(userid|senderid|creatorid)$/.test(n)) && names.some((n) => /name|email|pic/.test(n)));
  return [...(own ? [path] : []), ...Object.entries(props).flatMap(([k, s]) => userObjectPaths(ctx, s, [...path, k], depth + 1))];
}

/** Where a plan runs in the mock: its state, and the socket's rooms. */
export function runEnv(ctx: MockContext, socket: Socket | undefined): RunEnv<MockRecords> {
  return { state: ctx.world, join: socket ? (rooms) => void socket.join(rooms) : undefined };
}

/** The mock's sending of each emit of a plan. */
export function mockEmits(ctx: MockContext, plans: readonly EmitPlan[], target: EmitTarget, presenceNamespace: string, requestSchema?: unknown): Map<EmitPlan, MockEmit> {
  return new Map(plans.map((plan) => [plan, compileMockEmit(ctx, plan, target, presenceNamespace, requestSchema)]));
}

export interface CompiledReaction {
  readonly plan: EventPlan;
  /**
   * Answers one event (synchronously: latency is waited for before). Returns the
   * acknowledgement's payload where the operation has a `reply`, else undefined.
   */
  run(payload: unknown, origin: Origin): unknown;
}

export function compileReaction(ctx: MockContext, plan: EventPlan, target: EmitTarget, presenceNamespace: string): CompiledReaction {
  const event = plan.event;
  const emits = mockEmits(ctx, plan.emits, target, presenceNamespace, event.payload);
  const profiles = userObjectPaths(ctx, event.payload);
  // The acknowledgement: what the emit of the reply's message sends, or a payload of its schema.
  const ackEmit = plan.ackEmit && emits.get(plan.ackEmit);
  const ackKey = event.ack === undefined || ackEmit ? undefined : ctx.factory.forSchema(event.ack);

  return {
    plan,
    run(payload, origin) {
      if (ctx.settings.stateless) ctx.store = new Store();
      ctx.clock.tick();
      const { actor, socket } = origin;
      ctx.users.connected(actor.key, actor.id, actor.attributes);
      const request = payload ?? {};
      const scope: Scope<MockRecords> = newScope<MockRecords>(ctx.world, request, actor);
      for (const path of profiles) {
        for (const obj of objectsAt(request, path)) {
          const id = userIdIn(Object.fromEntries(Object.entries(obj).filter(([k]) => /^(user_?id|userid|sender_?id|senderid|creator_?id|uid)$/i.test(k))));
          if (id === undefined) continue;
          ctx.users.learn(String(id) === String(actor.id) ? actor.key : scope.keyOf(id), obj);
        }
      }
      const renderer = new Renderer(ctx, ctx.store);
      plan.run(scope, runEnv(ctx, socket), (emit) => emits.get(emit)!.deliver(scope, socket?.id, renderer));
      if (ackEmit) return ackEmit.payload.build(scope, renderer, { viewer: actor.key, presenceNamespace });
      return ackKey === undefined ? undefined : ctx.factory.sample(ackKey, ctx.rng);
    },
  };
}
