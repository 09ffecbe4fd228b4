/**
 * What every case is made of: fresh users and their tabs, the conversation and message a case
 * needs made through the spec's own events, and steps (send, wait for every socket, check
 * against the plan). The kinds of cases (kinds/) are built from these.
 */
import type { BehaviourPlan, EventPlan } from '../behaviour/index.js';
import type { SpecSource } from '../spec/source.js';
import type { CaseSpec } from './cases.js';
import type { TabSocket } from './clients.js';
import { fakePayload } from './fake.js';
import { eventCase } from './kinds/events.js';
import { handshakeCase } from './kinds/handshake.js';
import { lifecycleCase } from './kinds/lifecycle.js';
import { stateCase } from './kinds/state.js';
import { bindRequest, createsConversation, type Binding } from './requests.js';
import { caseUsers, Mismatch, Scenario, type Expected, type World } from './scenario.js';
import type { ShadowConversation, ShadowMessage } from './shadow.js';
import { UserFactory, type TestUser } from './users.js';

export interface RunnerOptions {
  readonly seed: number;
  readonly timeoutMs: number;
  readonly badInputs: number;
}

export class CaseRunner {
  readonly world: World;
  readonly users: UserFactory;
  readonly emitsSeen = new Set<string>();
  readonly conditionSides = new Set<string>();
  private unique = 0;
  private readonly fakes = new Map<EventPlan['event'], unknown>();

  constructor(
    readonly source: SpecSource,
    readonly plan: BehaviourPlan,
    world: World,
    readonly options: RunnerOptions,
  ) {
    this.world = world;
    this.users = new UserFactory(plan.model);
  }

  next(): number {
    return ++this.unique;
  }

  /** A request of an event bound to a case: the spec's example, or one generated from the schema. */
  bind(event: EventPlan['event'], binding: Binding): ReturnType<typeof bindRequest> {
    return bindRequest(event, binding, event.examples.length ? undefined : this.generated(event));
  }

  /** Sends a client event from a socket and checks everything every socket received against the plan. */
  async step(sc: Scenario, event: EventPlan, namespace: string, binding: Binding, from: TabSocket): Promise<void> {
    const bound = this.bind(event.event, binding);
    if ('skip' in bound) throw new Skip(bound.skip);
    const expected = sc.expectEvent(event, namespace, bound.request, from);
    await this.exchange(sc, from, event.event.name, bound.request, expected, event.event.ack !== undefined);
  }

  /** Emits, waits for every socket, checks. */
  async exchange(sc: Scenario, from: TabSocket, event: string, payload: unknown, expected: Map<string, Expected[]>, ack = false): Promise<void> {
    let acked: unknown;
    const args: unknown[] = payload === undefined ? [] : [payload];
    if (ack) args.push((answer: unknown) => (acked = answer ?? null));
    from.socket.emit(event, ...args);
    await sc.settle(from, expected);
    sc.check(expected);
    const failed = [...expected.values()].flat().some((e) => e.error);
    if (ack && !failed && acked === undefined) throw new Mismatch(`${event}: the spec has a reply, and no acknowledgement came`, []);
  }

  /** A payload generated from an event's schema, once per run (bindRequest copies it). */
  private generated(event: EventPlan['event']): unknown {
    if (!this.fakes.has(event)) this.fakes.set(event, fakePayload(this.plan.model, event, this.options.seed));
    return this.fakes.get(event);
  }

  /** Whether a request of an event can be made at all (an example, or a payload generated from its schema). */
  bindable(plan: EventPlan): boolean {
    return plan.event.examples.length > 0 || this.generated(plan.event) !== undefined;
  }

  /** Makes the actor's conversation with the peer (and a message of the actor's in it, where `withMessage`). */
  events(): { ns: string; plan: EventPlan }[] {
    return this.plan.namespaces.flatMap((ns) => [...ns.events.values()].map((plan) => ({ ns: ns.path, plan })));
  }

  static stores(p: EventPlan): boolean {
    return typeof p.event.reaction?.effect === 'object' && ('storeMessage' in p.event.reaction.effect || 'storeMedia' in p.event.reaction.effect);
  }

  async prepare(sc: Scenario, actor: TestUser, peer: TestUser, withMessage: boolean): Promise<{ conversation?: ShadowConversation; message?: ShadowMessage }> {
    const events = this.events();
    const starter = events.find((e) => createsConversation(e.plan.event) && CaseRunner.stores(e.plan) && this.bindable(e.plan)) ?? events.find((e) => createsConversation(e.plan.event) && this.bindable(e.plan));
    if (!starter) throw new Skip('no client event of the spec creates a conversation to act on');
    const from = sc.tabs.find((t) => t.user === actor)?.socket(starter.ns);
    if (!from) throw new Skip(`${actor.label} has no socket on ${starter.ns}`);
    await this.guarded('setting up a conversation', () => this.step(sc, starter.plan, starter.ns, { actor, peer, unique: this.next() }, from));
    const conversation = sc.shadow.conversationsOf(actor.key).at(-1);
    if (!conversation) throw new Skip('setting up: the conversation the spec describes was not made');
    const mine = () => conversation.messages.map((id) => sc.shadow.message(id)!).filter((m) => m.sender === actor.key && !m.deleted).at(-1);
    if (withMessage && !mine()) await this.sendMessage(sc, actor, peer, conversation, 'setting up a message');
    return { conversation, message: withMessage ? mine() : undefined };
  }

  /** Sends a message of the actor's into a conversation, through the first event of the spec that stores one. */
  async sendMessage(sc: Scenario, actor: TestUser, peer: TestUser, conversation: ShadowConversation, what: string): Promise<void> {
    const socketOf = (ns: string) => sc.tabs.find((t) => t.user === actor)?.socket(ns);
    const sender = this.events().find((e) => CaseRunner.stores(e.plan) && this.bindable(e.plan) && socketOf(e.ns));
    if (!sender) throw new Skip('no client event of the spec stores a message to act on');
    await this.guarded(what, () => this.step(sc, sender.plan, sender.ns, { actor, peer, conversation, unique: this.next() }, socketOf(sender.ns)!));
  }

  /** What a scenario exercised, into the run's coverage. */
  absorb(sc: Scenario): void {
    for (const id of sc.emitsSeen) this.emitsSeen.add(id);
    for (const side of sc.conditionSides) this.conditionSides.add(side);
  }

  async guarded(what: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (error instanceof Mismatch) throw new Mismatch(`${what}: ${error.message}`, error.traces);
      throw error;
    }
  }

  /** A new scenario with the case's users, their tabs open and quiet. */
  async scenario(tabs: { actorTabs: number; peer: boolean; outsider: boolean }): Promise<{ sc: Scenario; actor: TestUser; peer: TestUser; outsider: TestUser }> {
    const { actor, peer, outsider } = caseUsers(this.users);
    const sc = new Scenario(this.world, [actor, peer, outsider]);
    try {
      for (let i = 0; i < tabs.actorTabs; i++) await sc.open(actor);
      if (tabs.peer) await sc.open(peer);
      if (tabs.outsider) await sc.open(outsider);
      await sc.settle();
      sc.clearLogs();
    } catch (error) {
      sc.closeAll();
      throw error;
    }
    return { sc, actor, peer, outsider };
  }

  /** Runs a case; resolves to what it checked, throws a Mismatch (failed) or a Skip. */
  runCase(c: CaseSpec): Promise<string> {
    switch (c.kind) {
      case 'handshake':
        return handshakeCase(this, c);
      case 'lifecycle':
        return lifecycleCase(this);
      case 'state':
        return stateCase(this, c);
      default:
        return eventCase(this, c);
    }
  }
}

/** A case that cannot run, and why (reported as skipped). */
export class Skip extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'Skip';
  }
}

