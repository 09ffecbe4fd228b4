/**
 * `onConnect` / `onDisconnect` of a namespace (CONVENTIONS.md §6): effects and emits in order;
 * `counterparts` emits go once per (conversation, counterpart) with `$conversation` bound.
 */
import type { Socket } from 'socket.io';
import type { LifecycleEntry } from '../src/spec/vocabulary.js';
import type { MockContext } from './context.js';
import { compileEffect, type CompiledEffect } from './effects.js';
import { compileEmit, type CompiledEmit, type EmitTarget } from './emits.js';
import type { Actor } from './expressions.js';
import { newScope } from './reaction.js';
import { Renderer } from './render.js';

export interface CompiledLifecycle {
  readonly empty: boolean;
  run(actor: Actor, phase: { first?: boolean; last?: boolean }, socket?: Socket): void;
}

export function compileLifecycle(ctx: MockContext, entries: readonly LifecycleEntry[] | undefined, target: EmitTarget, presenceNamespace: string): CompiledLifecycle {
  const steps: ({ effect: CompiledEffect } | { emit: CompiledEmit })[] = (entries ?? []).map((entry) =>
    'message' in entry ? { emit: compileEmit(ctx, entry, target, presenceNamespace) } : { effect: compileEffect(entry.effect) },
  );
  return {
    empty: steps.length === 0,
    run(actor, phase, socket) {
      ctx.clock.tick();
      ctx.users.connected(actor.key, actor.id, actor.attributes);
      const scope = newScope(ctx, {}, actor, phase);
      const store = ctx.store;
      const renderer = new Renderer(ctx, store);
      for (const step of steps) {
        if ('effect' in step) {
          step.effect(scope, { ctx, store, resolution: { named: false }, socket, presenceNamespace });
          continue;
        }
        const emit = step.emit;
        if (!emit.when(scope)) continue;
        if (!emit.counterparts) {
          emit.deliver(scope, socket?.id, renderer);
          continue;
        }
        for (const conv of store.conversationsOf(actor.key)) {
          for (const key of conv.participants) {
            if (key === actor.key) continue;
            scope.conversation = conv;
            scope.recipient = { key, id: ctx.users.idOf(key) };
            emit.deliver(scope, socket?.id, renderer);
          }
        }
        scope.conversation = undefined;
        scope.recipient = undefined;
      }
    },
  };
}
