/**
 * What every part of a running mock shares: the loaded spec and what was compiled from it, the
 * state, the clock and the random streams. One per mocked protocol.
 */
import type { Server } from 'socket.io';
import type { BehaviourPlan } from '../src/behaviour/index.js';
import type { Clock } from './state/clock.js';
import type { EntityPlan } from './spec/entities.js';
import type { PayloadFactory } from './payloads/generator.js';
import type { Logger } from '../src/server/logger.js';
import type { Presence } from './state/presence.js';
import type { Random } from './state/random.js';
import type { Realism } from './payloads/realism.js';
import type { LoadedSpec } from './spec/spec.js';
import type { ConversationKind, Store } from './state/state.js';
import type { Users } from './state/users.js';
import type { MockWorld } from './state/world.js';

/** What the control API can change while the mock runs. */
export interface MockSettings {
  seed: number;
  /** Milliseconds to wait before answering each client event. */
  latency: number;
  /** The probability (0..1) that an emit to a socket is dropped. */
  drop: number;
  /** Remember nothing between events. */
  stateless: boolean;
  /** Fake conversations a user's lists are filled with. */
  fill: number;
  /** Fake peer events per second per connected user (0: none). */
  chatter: number;
  /** A fixed clock's start (ms since the epoch), or undefined for the real clock. */
  now?: number;
}

export interface MockContext {
  readonly spec: LoadedSpec;
  /** The spec's behaviour, compiled (src/behaviour): what the mock does on each event. */
  readonly behaviour: BehaviourPlan;
  /** The state as the behaviour plan sees it. */
  readonly world: MockWorld;
  readonly plans: ReadonlyMap<string, EntityPlan>;
  readonly factory: PayloadFactory;
  readonly realism: Realism;
  readonly users: Users;
  readonly presence: Presence;
  readonly logger: Logger;
  readonly settings: MockSettings;
  readonly io: Server;
  store: Store;
  clock: Clock;
  /** Payload choices, ids, fake data. */
  rng: Random;
  /** Drop decisions, apart so that dropping does not change the payloads. */
  dropRng: Random;
  /** Facts about the spec the state needs. */
  readonly facts: {
    /** The component of user ids (from the handshake's claims), for fake peers. */
    readonly userIdComponent?: string;
    /** The component of conversation / message ids. */
    readonly conversationIdComponent?: string;
    readonly messageIdComponent?: string;
    /** The kinds of conversations the protocol has (for fake ones). */
    readonly conversationKinds: readonly ConversationKind[];
    /** The schemas of a product conversation's scope values (for fake ones). */
    readonly scopeSchemas: readonly unknown[];
    /** The request fields remembered with what a request creates (see entities.carriedFields). */
    readonly carried: Readonly<Record<'message' | 'conversation', ReadonlySet<string>>>;
  };
  /** The base URL clients reach the mock at (for media links). */
  publicUrl(): string;
}
