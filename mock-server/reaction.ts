/**
 * What the mock does on one client event, for any spec: the generic handler. Compiled once per
 * event from its `x-socketio` (CONVENTIONS.md §3): resolve the conversation (before the effect),
 * check the guards, apply the effect to the state, then emit the sequence in order, each emit to
 * its recipients when its condition holds. Validation, identity checks and the error event are
 * the generated runtime's (`attachNamespace`).
 */
import type { Socket } from 'socket.io';
import type { EventModel } from '../src/spec/model.js';
import type { ReceiveOperationExt } from '../src/spec/vocabulary.js';
import type { MockContext } from './context.js';
import { compileConversation, type CompiledConversation } from './conversations.js';
import { compileEffect, type CompiledEffect } from './effects.js';
import { compileEmit, type CompiledEmit, type EmitTarget } from './emits.js';
import { isUserSchema } from './entities.js';
import { userIdIn, type Actor, type Scope } from './expressions.js';
import { compileGuards, type CompiledGuard } from './guards.js';
import { getPath, type Segment } from './paths.js';
import { Renderer } from './render.js';
import { Store, type ConversationRecord, type MessageRecord, type UserKey } from './state.js';

/** Who sent an event: a connected socket, or a fake peer (no socket). */
export interface Origin {
  readonly actor: Actor;
  readonly socket?: Socket;
}

/** The scope of one event (a class: one allocation per event, no closures). */
class EventScope implements Scope {
  conversation?: ConversationRecord;
  conversationExisted = false;
  message?: MessageRecord;
  recipient?: { readonly key: UserKey; readonly id: string | number };
  pendingSenders?: ReadonlySet<UserKey>;
  first?: boolean;
  last?: boolean;
  readonly now: string;

  constructor(
    private readonly ctx: MockContext,
    readonly request: unknown,
    readonly actor: Actor,
  ) {
    this.now = ctx.clock.iso();
  }

  keyOf(id: unknown): UserKey {
    return this.ctx.users.keyOf(id, this.actor.role);
  }

  idOf(key: UserKey): string | number {
    return this.ctx.users.idOf(key);
  }

  unreadIn(conversationId: string, key: UserKey): number {
    return this.ctx.store.unreadIn(conversationId, key);
  }

  unreadTotal(key: UserKey): number {
    return this.ctx.store.unreadTotal(key);
  }
}

/** A new scope for an event of `actor`. */
export function newScope(ctx: MockContext, request: unknown, actor: Actor, phase: { first?: boolean; last?: boolean } = {}): Scope {
  const scope = new EventScope(ctx, request, actor);
  scope.first = phase.first;
  scope.last = phase.last;
  return scope;
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

function objectsAt(value: unknown, path: readonly Segment[]): Record<string, unknown>[] {
  if (path.length === 0) return value !== null && typeof value === 'object' && !Array.isArray(value) ? [value as Record<string, unknown>] : [];
  const [head, ...rest] = path;
  if (head === '*') return Array.isArray(value) ? value.flatMap((v) => objectsAt(v, rest)) : [];
  return objectsAt(getPath(value, [head!]), rest);
}

export interface CompiledReaction {
  readonly event: EventModel;
  /**
   * Answers one event (synchronously: latency is waited for before). Returns the
   * acknowledgement's payload where the operation has a `reply`, else undefined.
   */
  run(payload: unknown, origin: Origin): unknown;
}

export function compileReaction(ctx: MockContext, event: EventModel, target: EmitTarget, presenceNamespace: string): CompiledReaction {
  const reaction: ReceiveOperationExt = event.reaction ?? { emits: [] };
  const conversation: CompiledConversation = compileConversation(reaction.conversation);
  const guards: CompiledGuard = compileGuards(reaction.guards);
  const effect: CompiledEffect = compileEffect(reaction.effect);
  const emits: CompiledEmit[] = reaction.emits.map((e) => compileEmit(ctx, e, target, presenceNamespace, event.payload));
  const profiles = userObjectPaths(ctx, event.payload);
  // The acknowledgement: what the emit of the reply's message sends, or a payload of its schema.
  const ackEmit = event.ack === undefined ? undefined : emits.find((e) => e.event.payload === event.ack);
  const ackKey = event.ack === undefined || ackEmit ? undefined : ctx.factory.forSchema(event.ack);

  return {
    event,
    run(payload, origin) {
      if (ctx.settings.stateless) ctx.store = new Store();
      ctx.clock.tick();
      const { actor, socket } = origin;
      ctx.users.connected(actor.key, actor.id, actor.attributes);
      const request = payload ?? {};
      const scope = newScope(ctx, request, actor);
      for (const path of profiles) {
        for (const obj of objectsAt(request, path)) {
          const id = userIdIn(Object.fromEntries(Object.entries(obj).filter(([k]) => /^(user_?id|userid|sender_?id|senderid|creator_?id|uid)$/i.test(k))));
          if (id === undefined) continue;
          ctx.users.learn(String(id) === String(actor.id) ? actor.key : scope.keyOf(id), obj);
        }
      }
      const store = ctx.store;
      const resolution = conversation(scope, store, ctx.settings.stateless);
      scope.conversation = resolution.conversation;
      scope.conversationExisted = resolution.conversation !== undefined;
      guards(scope, resolution, store, ctx.settings.stateless);
      effect(scope, { ctx, store, resolution, socket, presenceNamespace });
      const renderer = new Renderer(ctx, store);
      for (const emit of emits) {
        if (!emit.when(scope)) continue;
        emit.deliver(scope, socket?.id, renderer);
      }
      if (ackEmit) return ackEmit.payload.build(scope, renderer, { viewer: actor.key, presenceNamespace });
      return ackKey === undefined ? undefined : ctx.factory.sample(ackKey, ctx.rng);
    },
  };
}
