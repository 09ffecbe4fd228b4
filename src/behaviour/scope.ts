/**
 * Everything an expression can refer to while one event is answered: the request, the actor, the
 * conversation and message the event is about, who receives the copy being built, the error.
 */
import type { Failure } from '../runtime/errors.js';
import type { BehaviourState, Records, UserKey } from './state.js';

export interface Actor {
  readonly key: UserKey;
  /** The id as the protocol writes it (a number where user ids are integers). */
  readonly id: string | number;
  readonly role?: string;
  readonly attributes: Readonly<Record<string, unknown>>;
}

export interface Scope<R extends Records = Records> {
  readonly request: unknown;
  readonly actor: Actor;
  conversation?: R['conversation'];
  /** Whether the conversation existed before the event (conditions look at this). */
  conversationExisted: boolean;
  message?: R['message'];
  /** The event retried a send: `message` is the one stored the first time. */
  retried?: boolean;
  /** The time of the event, ISO 8601. */
  readonly now: string;
  /** The user receiving this copy of an emit. */
  recipient?: { readonly key: UserKey; readonly id: string | number };
  readonly error?: Failure;
  /** Senders whose pending messages this connection delivered (`pendingSenders`). */
  pendingSenders?: ReadonlySet<UserKey>;
  /** Lifecycle: the user's first socket connected / last socket left. */
  readonly first?: boolean;
  readonly last?: boolean;
  /** The user key of a user id written in a request (the actor's counterpart role, with roles). */
  keyOf(id: unknown): UserKey;
  /** The id of a user key as the protocol writes it. */
  idOf(key: UserKey): string | number;
  unreadIn(conversationId: string, key: UserKey): number;
  unreadTotal(key: UserKey): number;
}

/** The scope of one event (a class: one allocation per event, no closures). */
class EventScope<R extends Records> implements Scope<R> {
  conversation?: R['conversation'];
  conversationExisted = false;
  message?: R['message'];
  retried?: boolean;
  recipient?: { readonly key: UserKey; readonly id: string | number };
  pendingSenders?: ReadonlySet<UserKey>;
  readonly now: string;

  constructor(
    private readonly state: BehaviourState<R>,
    readonly request: unknown,
    readonly actor: Actor,
    readonly first?: boolean,
    readonly last?: boolean,
  ) {
    this.now = new Date(state.now()).toISOString();
  }

  keyOf(id: unknown): UserKey {
    return this.state.keyOf(id, this.actor.role);
  }

  idOf(key: UserKey): string | number {
    return this.state.idOf(key);
  }

  unreadIn(conversationId: string, key: UserKey): number {
    return this.state.unreadIn(conversationId, key);
  }

  unreadTotal(key: UserKey): number {
    return this.state.unreadTotal(key);
  }
}

/** A new scope for an event of `actor` (`phase`: the lifecycle's first connection or last disconnection). */
export function newScope<R extends Records>(state: BehaviourState<R>, request: unknown, actor: Actor, phase: { first?: boolean; last?: boolean } = {}): Scope<R> {
  return new EventScope(state, request, actor, phase.first, phase.last);
}
