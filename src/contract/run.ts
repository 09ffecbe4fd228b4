/**
 * A contract run: every case of a spec against a server at a URL, one after another (or a few at
 * a time), each with fresh users; the results, and what they covered of the spec.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { compileBehaviour, type BehaviourPlan, type EmitPlan, type EventPlan } from '../behaviour/index.js';
import { ERROR_STATUS, type ErrorKind } from '../runtime/errors.js';
import type { NamespaceSpec } from '../runtime/namespace-spec.js';
import { loadValidate } from '../spec/event-validators.js';
import { specDir } from '../spec/files.js';
import { asList } from '../spec/vocabulary.js';
import { invalidPayloads } from '../spec/invalid-payloads.js';
import { buildModel, type ProtocolModel } from '../spec/model.js';
import { namespaceSpecOf } from '../spec/namespace-spec.js';
import { getPath } from '../spec/paths.js';
import { readSpecFile, type SpecSource } from '../spec/source.js';
import { casesOf, matchesOnly, needsConversation, type CaseSpec } from './cases.js';
import { RefusedError, Tab, type TabSocket } from './clients.js';
import { Credentials, type CredentialMode } from './credentials.js';
import { fakePayload } from './fake.js';
import { entityPlaces, isList, objectsAt } from './lists.js';
import { bindRequest, createsConversation, needsMessage, type Binding } from './requests.js';
import type { CaseResult, Coverage, RunReport } from './results.js';
import { caseUsers, Mismatch, Scenario, type Expected, type World } from './scenario.js';
import type { ShadowConversation, ShadowMessage } from './shadow.js';
import { UserFactory, type TestUser } from './users.js';

export interface RunOptions {
  /** A spec file, or the name of one of Parley's protocols. */
  readonly spec: string;
  /** The server's base URL (`http://127.0.0.1:4100`). */
  readonly url: string;
  readonly credentials: CredentialMode;
  readonly seed?: number;
  /** Case ids or event names (comma-separated, `*` wildcards). */
  readonly only?: string;
  /** How long to wait for each expected event, ms. */
  readonly timeoutMs?: number;
  /** Cases at a time. Specs with namespace-wide emits run one at a time whatever is asked. */
  readonly concurrency?: number;
  /** Schema-breaking payloads per client event. */
  readonly badInputs?: number;
  /** Called as each case ends (progress). */
  readonly onResult?: (result: CaseResult) => void;
  /** The command line that started the run, for reproduction lines (without --only and --seed). */
  readonly command?: string;
}

/** A run that cannot be made as asked (the caller's to fix). */
export class ContractSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContractSetupError';
  }
}

/** The server could not be reached at all. */
export class UnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreachableError';
  }
}

/** A spec given as a file or as one of Parley's protocol names. */
export function resolveSpec(spec: string): SpecSource {
  const own = join(specDir, `${spec}.yaml`);
  return readSpecFile(!existsSync(spec) && /^[a-z][a-z0-9-]*$/.test(spec) && existsSync(own) ? own : spec);
}

/** Namespaces in the order a client opens them: those others require first. */
function orderedSpecs(model: ProtocolModel): NamespaceSpec[] {
  const required = new Set(model.namespaces.map((ns) => ns.socketio.presence).filter(Boolean));
  const ordered = [...model.namespaces].sort((a, b) => Number(required.has(b.path)) - Number(required.has(a.path)));
  return ordered.map((ns) => namespaceSpecOf(model, ns));
}

async function reachable(url: string, timeoutMs: number): Promise<void> {
  try {
    const response = await fetch(`${url.replace(/\/$/, '')}/socket.io/?EIO=4&transport=polling`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
  } catch (error) {
    throw new UnreachableError(`${url} does not answer (${(error as Error).message})`);
  }
}

class Run {
  readonly world: World;
  readonly users: UserFactory;
  readonly emitsSeen = new Set<string>();
  readonly conditionSides = new Set<string>();
  private unique = 0;

  constructor(
    readonly source: SpecSource,
    readonly plan: BehaviourPlan,
    world: World,
    readonly options: RunOptions & { seed: number; timeoutMs: number; badInputs: number },
  ) {
    this.world = world;
    this.users = new UserFactory(plan.model);
  }

  next(): number {
    return ++this.unique;
  }

  /** A request of an event bound to a case: the spec's example, or one generated from the schema. */
  bind(event: EventPlan['event'], binding: Binding): ReturnType<typeof bindRequest> {
    return bindRequest(event, binding, event.examples.length ? undefined : fakePayload(this.plan.model, event, this.options.seed));
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

  /** Whether a request of an event can be made at all (an example, or a payload generated from its schema). */
  bindable(plan: EventPlan): boolean {
    return plan.event.examples.length > 0 || fakePayload(this.plan.model, plan.event, this.options.seed) !== undefined;
  }

  /** Makes the actor's conversation with the peer (and a message of the actor's in it, where `withMessage`). */
  private events(): { ns: string; plan: EventPlan }[] {
    return this.plan.namespaces.flatMap((ns) => [...ns.events.values()].map((plan) => ({ ns: ns.path, plan })));
  }

  private static stores(p: EventPlan): boolean {
    return typeof p.event.reaction?.effect === 'object' && ('storeMessage' in p.event.reaction.effect || 'storeMedia' in p.event.reaction.effect);
  }

  async prepare(sc: Scenario, actor: TestUser, peer: TestUser, withMessage: boolean): Promise<{ conversation?: ShadowConversation; message?: ShadowMessage }> {
    const events = this.events();
    const starter = events.find((e) => createsConversation(e.plan.event) && Run.stores(e.plan) && this.bindable(e.plan)) ?? events.find((e) => createsConversation(e.plan.event) && this.bindable(e.plan));
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
    const sender = this.events().find((e) => Run.stores(e.plan) && this.bindable(e.plan) && socketOf(e.ns));
    if (!sender) throw new Skip('no client event of the spec stores a message to act on');
    await this.guarded(what, () => this.step(sc, sender.plan, sender.ns, { actor, peer, conversation, unique: this.next() }, socketOf(sender.ns)!));
  }

  /** What a scenario exercised, into the run's coverage. */
  private absorb(sc: Scenario): void {
    for (const id of sc.emitsSeen) this.emitsSeen.add(id);
    for (const side of sc.conditionSides) this.conditionSides.add(side);
  }

  private async guarded(what: string, work: () => Promise<void>): Promise<void> {
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

  async runCase(c: CaseSpec): Promise<string> {
    switch (c.kind) {
      case 'handshake':
        return this.handshake(c);
      case 'lifecycle':
        return this.lifecycle();
      case 'state':
        return this.state(c);
      default:
        return this.eventCase(c);
    }
  }

  private async eventCase(c: CaseSpec): Promise<string> {
    const plan = c.plan!;
    const e = plan.event;
    const { sc, actor, peer, outsider } = await this.scenario({ actorTabs: 2, peer: c.variant !== 'counterpart offline', outsider: true });
    try {
      const from = sc.tabs[0]!.socket(c.namespace);
      if (!from) throw new Skip(`${actor.label}'s role (${actor.role}) may not use ${c.namespace}`);
      const prepared = needsConversation(e) || c.kind === 'outsider' ? await this.prepare(sc, actor, peer, needsMessage(e)) : {};
      const binding: Binding = { actor, peer, ...prepared, unique: this.next() };
      if (c.kind === 'sequence') {
        if (c.variant === 'later') await this.guarded('the first send', () => this.step(sc, plan, c.namespace, { ...binding, unique: this.next() }, from));
        await this.step(sc, plan, c.namespace, binding, from);
        return `the sequence of ${e.name} (${c.variant}) arrived as the spec says`;
      }
      if (c.kind === 'identity') {
        const bound = this.bind(e, binding);
        if ('skip' in bound) throw new Skip(bound.skip);
        const impostor = this.bind(e, { ...binding, actor: { ...peer, key: actor.key } });
        if ('skip' in impostor) throw new Skip(impostor.skip);
        await this.exchange(sc, from, e.name, impostor.request, sc.expectError(from, 'forbidden', e.name));
        return `${e.name} naming another user as its actor was refused (forbidden)`;
      }
      if (c.kind === 'outsider') {
        const outsiderSocket = sc.tabs.find((t) => t.user === outsider)?.socket(c.namespace);
        if (!outsiderSocket) throw new Skip(`${outsider.label} has no socket on ${c.namespace}`);
        await this.step(sc, plan, c.namespace, { ...binding, actor: outsider, unique: this.next() }, outsiderSocket);
        return `${e.name} by a user outside the conversation was answered as the spec says, nothing leaked`;
      }
      return await this.badInput(sc, c, plan, binding, from);
    } finally {
      this.absorb(sc);
      sc.closeAll();
    }
  }

  private async badInput(sc: Scenario, c: CaseSpec, plan: EventPlan, binding: Binding, from: TabSocket): Promise<string> {
    const e = plan.event;
    const bound = this.bind(e, binding);
    if ('skip' in bound) throw new Skip(bound.skip);
    const validate = (p: unknown) => this.world.validate(c.namespace, 'client', e.name, p);
    if (validate(bound.request).length) throw new Skip(`the bound request of ${e.name} is not valid itself: ${validate(bound.request)[0]!.message}`);
    const payloads = invalidPayloads(this.source.data, e.payload, bound.request, { seed: this.options.seed, count: this.options.badInputs, isInvalid: (p) => validate(p).length > 0 });
    for (const bad of payloads) {
      const kind: ErrorKind = validate(bad.payload)[0]?.tooLarge ? 'payloadTooLarge' : 'invalidPayload';
      try {
        await this.exchange(sc, from, e.name, bad.payload, sc.expectError(from, kind, e.name));
      } catch (error) {
        if (error instanceof Mismatch) throw new Mismatch(`${bad.label}: ${error.message}`, error.traces);
        throw error;
      }
      if (!from.socket.connected) throw new Mismatch(`${bad.label}: the socket was disconnected`, []);
    }
    return `${payloads.length} schema-breaking payloads of ${e.name} each got the error event, nothing else was sent, the socket stayed served`;
  }

  private async handshake(c: CaseSpec): Promise<string> {
    const { actor } = caseUsers(this.users);
    const spec = this.world.specs.find((s) => s.path === c.namespace)!;
    const credentials = this.world.credentials;
    let expectedKind: ErrorKind = 'unauthenticated';
    let tab: Tab;
    if (c.variant.startsWith('before ')) {
      const requires = spec.requiresOnline!;
      expectedKind = requires.kind;
      tab = Tab.bare(actor, `${actor.label}#1`, await credentials.handshake(actor, spec), { url: this.world.url, timeoutMs: this.world.timeoutMs });
    } else {
      const token = c.variant === 'no credential' ? null : await credentials.badToken(actor, c.variant === 'malformed token' ? 'malformed' : c.variant === 'bad signature' ? 'badSignature' : 'expired');
      tab = Tab.bare(actor, `${actor.label}#1`, await credentials.handshake(actor, spec, token), { url: this.world.url, timeoutMs: this.world.timeoutMs });
    }
    try {
      const auth = c.variant.startsWith('before ') ? (await credentials.handshake(actor, spec)).auth : c.variant === 'no credential' ? {} : (await credentials.handshake(actor, spec, await credentials.badToken(actor, c.variant === 'malformed token' ? 'malformed' : c.variant === 'bad signature' ? 'badSignature' : 'expired'))).auth;
      await tab.connect(spec, auth);
      throw new Mismatch(`${c.namespace} accepted a handshake with ${c.variant}`, []);
    } catch (error) {
      if (!(error instanceof RefusedError)) throw error;
      const r = error.refusal;
      const status = ERROR_STATUS[expectedKind];
      if (spec.onFailure === 'connectError' && !c.variant.startsWith('before ')) {
        if (r.kind !== 'connectError') throw new Mismatch(`${c.variant}: expected connect_error (status ${status}), got ${r.kind}: ${r.message}`, []);
        const got = getPath(r.data, ['status']);
        if (String(got) !== String(status)) throw new Mismatch(`${c.variant}: connect_error's data.status is ${JSON.stringify(got)}, the spec says ${status}`, []);
      } else {
        if (r.kind !== 'errorEvent') throw new Mismatch(`${c.variant}: expected ${spec.errorEvent} (status ${status}) and a disconnect, got ${r.kind}: ${r.message}`, []);
        const invalid = this.world.validate(spec.path, 'server', spec.errorEvent, r.data)[0];
        if (invalid) throw new Mismatch(`${c.variant}: ${spec.errorEvent} does not match its schema: ${invalid.field ? `${invalid.field}: ` : ''}${invalid.message}`, []);
        const field = spec.errorFields.find((f) => 'failure' in f && f.failure === 'status');
        const got = field ? getPath(r.data, field.path) : status;
        if (String(got) !== String(status)) throw new Mismatch(`${c.variant}: ${spec.errorEvent}'s status is ${JSON.stringify(got)}, the spec says ${status} (${expectedKind})`, []);
      }
      return `${c.variant} was refused with ${status}`;
    } finally {
      tab.close();
    }
  }

  /**
   * The user's conversation and message show in the lists an event (or connecting) brings; after
   * the message is deleted, it no longer does.
   */
  private async state(c: CaseSpec): Promise<string> {
    const { sc, actor, peer } = await this.scenario({ actorTabs: 1, peer: true, outsider: false });
    try {
      const { conversation, message } = await this.prepare(sc, actor, peer, true);
      if (!conversation || !message) throw new Skip('setting up: no conversation with a message of the actor');
      const look = async (): Promise<{ namespace: string; event: string; payload: unknown }[]> => {
        if (!c.plan) {
          const tab = await sc.open(actor);
          const seen = [...tab.sockets.values()].flatMap((s) => (sc.lastReceived.get(s.id) ?? []).map((r) => ({ namespace: s.namespace, ...r })));
          await sc.close(tab);
          return seen;
        }
        const from = sc.tabs.find((t) => t.user === actor)!.socket(c.namespace)!;
        await this.step(sc, c.plan, c.namespace, { actor, peer, conversation, message, unique: this.next() }, from);
        return (sc.lastReceived.get(from.id) ?? []).map((r) => ({ namespace: c.namespace, ...r }));
      };
      // An event about the conversation (its history) must list the message; any other list only
      // where it lists messages of the conversation at all (a list of what is pending for the
      // user is not a history).
      const about = c.plan !== undefined && asList(c.plan.event.reaction?.conversation).length > 0;
      const inspect = (seen: readonly { namespace: string; event: string; payload: unknown }[], deleted: boolean): { lists: number; problems: string[] } => {
        let lists = 0;
        const problems: string[] = [];
        const same = (a: unknown, b: unknown) => a !== undefined && a !== null && String(a) === String(b);
        for (const r of seen) {
          const model = this.plan.namespace(r.namespace)?.model.events.find((e) => e.direction === 'server' && e.name === r.event);
          if (!model) continue;
          for (const place of entityPlaces(this.plan.model, model.payload).filter(isList)) {
            const objects = objectsAt(r.payload, place.path);
            const where = `${r.event}.${place.path.join('.')}`;
            if (place.kind === 'conversation') {
              lists++;
              const ours = objects.find((o) => same(o[place.entity.id], conversation.id));
              if (!ours) {
                problems.push(`${where} does not list the conversation ${conversation.id} the user has`);
                continue;
              }
              // A message a conversation holds on its own (not in a list) is its latest (CONVENTIONS.md §7).
              for (const inner of entityPlaces(this.plan.model, place.schema).filter((p) => p.kind === 'message' && p.path.length > 0 && !isList(p))) {
                const latest = objectsAt(ours, inner.path)[0]?.[inner.entity.id];
                if (!deleted && !same(latest, message.id)) problems.push(`${where}: the conversation's ${inner.path.join('.')} is ${JSON.stringify(latest)}, not its latest message ${message.id}`);
                if (deleted && same(latest, message.id)) problems.push(`${where}: the conversation's ${inner.path.join('.')} is still ${message.id}, deleted`);
              }
              continue;
            }
            const field = place.entity.conversation;
            const mine = field ? objects.filter((o) => same(o[field], conversation.id)) : objects;
            if (!about && (!field || mine.length === 0)) continue;
            lists++;
            const listed = mine.some((o) => same(o[place.entity.id], message.id));
            if (!deleted && !listed) problems.push(`${where} lists the messages of ${conversation.id} without its latest, ${message.id}`);
            if (deleted && listed) problems.push(`${where} still lists ${message.id}, deleted`);
          }
        }
        return { lists, problems };
      };
      const before = inspect(await look(), false);
      if (before.problems.length) throw new Mismatch(before.problems.join('\n'), []);
      if (before.lists === 0) throw new Skip(`${c.event} brought no list of conversations or messages to look into`);
      const remover = this.events().find((e) => typeof e.plan.event.reaction?.effect === 'object' && 'deleteMessage' in e.plan.event.reaction.effect && sc.tabs[0]!.socket(e.ns));
      if (!remover) return `${c.event}'s lists show the user's conversation and message (the spec deletes no messages)`;
      await this.guarded('deleting the message', () => this.step(sc, remover.plan, remover.ns, { actor, peer, conversation, message, unique: this.next() }, sc.tabs[0]!.socket(remover.ns)!));
      const after = inspect(await look(), true);
      if (after.problems.length) throw new Mismatch(after.problems.join('\n'), []);
      return `${c.event}'s lists show the user's conversation and message, and not the message once deleted`;
    } finally {
      this.absorb(sc);
      sc.closeAll();
    }
  }

  private async lifecycle(): Promise<string> {
    const { sc, actor, peer } = await this.scenario({ actorTabs: 1, peer: true, outsider: true });
    try {
      const { conversation } = await this.prepare(sc, actor, peer, false);
      await sc.close(sc.tabs.find((t) => t.user === peer)!);
      // A message while the peer is away: pending until they come back (`markDelivered`, `pendingSenders`).
      if (conversation) await this.sendMessage(sc, actor, peer, conversation, 'a message while the peer is away');
      await sc.open(peer);
      return `the counterparts saw ${peer.label} leave and come back as the spec says`;
    } finally {
      this.absorb(sc);
      sc.closeAll();
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

function coverageOf(plan: BehaviourPlan, cases: readonly CaseSpec[], results: readonly CaseResult[], run: Run): Coverage {
  const events = plan.namespaces.flatMap((ns) => [...ns.events.values()].map((e) => ({ ns: ns.path, e })));
  const ran = (r: CaseResult) => r.status !== 'skipped';
  const perEvent = events.map(({ ns, e }) => {
    const mine = results.filter((r) => r.namespace === ns && r.event === e.event.name);
    return {
      namespace: ns,
      event: e.event.name,
      run: mine.filter(ran).length,
      passed: mine.filter((r) => r.status === 'passed').length,
      failed: mine.filter((r) => r.status === 'failed').length,
      skipped: mine.filter((r) => r.status === 'skipped').length,
      skippedReasons: [...new Set(mine.filter((r) => r.status === 'skipped').map((r) => r.message))],
    };
  });
  const emitIds = plan.namespaces.flatMap((ns) => [
    ...[...ns.events.values()].flatMap((e) => e.emits.map((_, i) => `${ns.path} ${e.event.name} #${i + 1}`)),
    ...ns.onConnect.emits.map((_, i) => `${ns.path} onConnect #${i + 1}`),
    ...ns.onDisconnect.emits.map((_, i) => `${ns.path} onDisconnect #${i + 1}`),
  ]);
  const conditionSides = plan.namespaces.flatMap((ns) => [...ns.events.values()].flatMap((e) => e.emits.flatMap((emit, i) => (emit.emit.when === undefined ? [] : ['holds', 'fails'].map((side) => `${ns.path} ${e.event.name} #${i + 1} ${side}`)))));
  const errorCases = cases.filter((c) => c.kind !== 'sequence' && c.kind !== 'lifecycle');
  return {
    operations: { covered: perEvent.filter((p) => p.run > 0).length, total: events.length },
    emits: { covered: emitIds.filter((id) => run.emitsSeen.has(id)).length, total: emitIds.length },
    conditions: { covered: conditionSides.filter((s) => run.conditionSides.has(s)).length, total: conditionSides.length },
    errors: { covered: results.filter((r) => errorCases.some((c) => c.id === r.id) && ran(r)).length, total: errorCases.length },
    events: perEvent,
  };
}

export type SuiteOptions = Omit<RunOptions, 'url' | 'onResult'>;

/**
 * The cases of a spec, listed without a server (so that a test runner can register them), run
 * against one once it is known.
 */
export class ContractSuite {
  readonly cases: readonly CaseSpec[];
  readonly seed: number;
  private run?: Run;
  private url = '';
  private readonly timeoutMs: number;

  private constructor(
    readonly options: SuiteOptions,
    readonly source: SpecSource,
    readonly plan: BehaviourPlan,
    private readonly credentials: Credentials,
  ) {
    this.seed = options.seed ?? Date.now() % 1_000_000;
    this.timeoutMs = options.timeoutMs ?? 2000;
    const badInputs = options.badInputs ?? 6;
    const lists = (emits: readonly EmitPlan[]) => emits.some((e) => entityPlaces(plan.model, e.event.payload).some(isList));
    this.cases = casesOf(plan.model.protocol, plan.namespaces, { badInputs, canForge: credentials.canForge, lists }).filter((c) => matchesOnly(c, options.only));
  }

  /** Reads the spec and lists its cases (synchronous: no server is needed yet). */
  static load(options: SuiteOptions): ContractSuite {
    const source = resolveSpec(options.spec);
    const model = buildModel(source);
    const announced = model.namespaces.find((ns) => ns.socketio.handshake.trust?.announce);
    if (options.credentials.kind === 'trust' && announced) {
      throw new ContractSetupError(`--auth trust: ${announced.path} learns who a trust-mode user is from an event (${announced.socketio.handshake.trust!.announce!.event}), which the runner does not send; test with tokens instead`);
    }
    if (options.credentials.kind === 'trust' && !model.namespaces.some((ns) => ns.socketio.handshake.trust?.userId)) {
      throw new ContractSetupError('--auth trust: the spec has no trust mode');
    }
    return new ContractSuite(options, source, compileBehaviour(model), new Credentials(model, options.credentials));
  }

  /** Whether cases may run side by side: not where emits reach a whole namespace (they would cross cases). */
  get concurrency(): number {
    const wide = this.plan.namespaces.some((ns) => [...ns.events.values()].some((e) => e.emits.some((m) => JSON.stringify(m.emit.to).includes('namespace'))) || ns.onConnect.emits.length > 0 || ns.onDisconnect.emits.length > 0);
    return wide ? 1 : Math.max(1, this.options.concurrency ?? 1);
  }

  /** Checks that the server answers, and loads the validators. */
  async connect(url: string): Promise<void> {
    this.url = url.replace(/\/$/, '');
    await reachable(this.url, this.timeoutMs);
    const model = this.plan.model;
    const { validate } = await loadValidate(model);
    const world: World = { plan: this.plan, specs: orderedSpecs(model), validate, credentials: this.credentials, url: this.url, timeoutMs: this.timeoutMs };
    this.run = new Run(this.source, this.plan, world, { ...this.options, url: this.url, seed: this.seed, timeoutMs: this.timeoutMs, badInputs: this.options.badInputs ?? 6 });
  }

  /** Runs one case (after {@link connect}). */
  async runCase(c: CaseSpec): Promise<CaseResult> {
    const run = this.run;
    if (!run) throw new Error('connect(url) first');
    const t0 = Date.now();
    const base = this.options.command ?? `parley test --spec ${this.options.spec} --url ${this.url}`;
    const common = { id: c.id, event: c.event, namespace: c.namespace, kind: c.kind, reproduce: `${base} --seed ${this.seed} --only ${c.id}` };
    try {
      const message = await run.runCase(c);
      return { ...common, status: 'passed', message, durationMs: Date.now() - t0 };
    } catch (error) {
      const durationMs = Date.now() - t0;
      if (error instanceof Skip) return { ...common, status: 'skipped', message: error.message, durationMs };
      if (error instanceof Mismatch) return { ...common, status: 'failed', message: error.message, durationMs, traces: error.traces };
      if (error instanceof RefusedError) return { ...common, status: 'failed', message: `a connection was refused: ${error.message}`, durationMs };
      return { ...common, status: 'failed', message: `the case could not run: ${(error as Error).message}`, durationMs };
    }
  }

  /** The report of a run's results. */
  report(results: readonly CaseResult[], started: number): RunReport {
    const ordered = [...results].sort((a, b) => this.cases.findIndex((c) => c.id === a.id) - this.cases.findIndex((c) => c.id === b.id));
    const coverage = coverageOf(this.plan, this.cases, ordered, this.run!);
    const passed = ordered.filter((r) => r.status === 'passed').length;
    const failed = ordered.filter((r) => r.status === 'failed').length;
    const shares = [coverage.operations, coverage.emits, coverage.conditions, coverage.errors];
    const total = shares.reduce((n, s) => n + s.total, 0);
    return {
      protocol: this.plan.model.protocol,
      spec: this.options.spec,
      url: this.url,
      seed: this.seed,
      startedAt: new Date(started).toISOString(),
      summary: {
        total: ordered.length,
        passed,
        failed,
        skipped: ordered.length - passed - failed,
        score: passed + failed === 0 ? 1 : passed / (passed + failed),
        index: total === 0 ? 1 : shares.reduce((n, s) => n + s.covered, 0) / total,
        durationMs: Date.now() - started,
      },
      coverage,
      cases: ordered,
    };
  }
}

/** Runs every case of a spec against a server. */
export async function runContract(options: RunOptions): Promise<RunReport> {
  const started = Date.now();
  const suite = ContractSuite.load(options);
  await suite.connect(options.url);
  const results: CaseResult[] = [];
  let next = 0;
  const worker = async () => {
    while (next < suite.cases.length) {
      const result = await suite.runCase(suite.cases[next++]!);
      results.push(result);
      options.onResult?.(result);
    }
  };
  await Promise.all(Array.from({ length: suite.concurrency }, worker));
  return suite.report(results, started);
}
