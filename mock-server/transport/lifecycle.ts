/**
 * `onConnect` / `onDisconnect` of a mocked namespace: the behaviour plan's lifecycle
 * (CONVENTIONS.md §6) over the mock's state, each emit sent by the mock.
 */
import type { Socket } from 'socket.io';
import { newScope, type Actor, type LifecyclePlan } from '../../src/behaviour/index.js';
import type { MockContext } from '../context.js';
import type { EmitTarget } from './emits.js';
import { mockEmits, runEnv } from './reaction.js';
import { Renderer } from '../payloads/render.js';
import type { MockRecords } from '../state/world.js';

export interface CompiledLifecycle {
  readonly empty: boolean;
  run(actor: Actor, phase: { first?: boolean; last?: boolean }, socket?: Socket): void;
}

export function compileLifecycle(ctx: MockContext, plan: LifecyclePlan, target: EmitTarget, presenceNamespace: string): CompiledLifecycle {
  const emits = mockEmits(ctx, plan.emits, target, presenceNamespace);
  return {
    empty: plan.empty,
    run(actor, phase, socket) {
      ctx.clock.tick();
      ctx.users.connected(actor.key, actor.id, actor.attributes);
      const scope = newScope<MockRecords>(ctx.world, {}, actor, phase);
      const renderer = new Renderer(ctx, ctx.store);
      plan.run(scope, runEnv(ctx, socket), (emit) => emits.get(emit)!.deliver(scope, socket?.id, renderer));
    },
  };
}
