/**
 * One case's world: fresh users with their tabs (the actor with two, the counterpart, an outsider
 * who must receive nothing), the shadow of the server's state, and the two halves of every step:
 * what the behaviour plan expects each socket to receive, and what each socket did receive.
 */
import { newScope, type BehaviourPlan, type EmitPlan, type EventPlan, type LifecyclePlan, type SocketDirectory } from '../behaviour/index.js';
import { ProtocolError, ERROR_STATUS, userRoom, type ErrorKind } from '../runtime/errors.js';
import { failurePath, type NamespaceSpec, type Validate } from '../runtime/namespace-spec.js';
import { getPath } from '../spec/paths.js';
import { barrier, isBarrierAnswer } from './barrier.js';
import { Tab, type Received, type TabSocket } from './clients.js';
import type { Credentials } from './credentials.js';
import { isPlaceholder, ShadowState, type ShadowRecords } from './shadow.js';
import type { SocketTrace } from './results.js';
import type { TestUser } from './users.js';

/** What one socket must receive: an event, and the fields the spec correlates. */
export interface Expected {
  readonly event: string;
  /** `/ sendMessage #2`: which emit of which sequence, for coverage. */
  readonly emitId: string;
  readonly fields: readonly { readonly path: readonly (string | number)[]; readonly expression: unknown; readonly value: unknown }[];
  /** For the error event: the status and event name it must carry. */
  readonly error?: { readonly kind: ErrorKind; readonly event?: string };
}

export interface World {
  readonly plan: BehaviourPlan;
  readonly specs: readonly NamespaceSpec[];
  readonly validate: Validate;
  readonly credentials: Credentials;
  readonly url: string;
  readonly timeoutMs: number;
}

/** A mismatch found in a step, with every socket's traces. */
export class Mismatch extends Error {
  constructor(
    message: string,
    readonly traces: readonly SocketTrace[],
  ) {
    super(message);
    this.name = 'Mismatch';
  }
}

const TIME_EXPRESSIONS = new Set(['$message.createdAt', '$now']);

/** A received payload in one line, for traces. */
function summary(event: string, payload: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(payload, (_k, v: unknown) => (v instanceof Uint8Array || (typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'Buffer') ? '<bytes>' : v)) ?? '';
  } catch {
    text = String(payload);
  }
  return `${event} ${text.length > 160 ? `${text.slice(0, 160)}…` : text}`;
}

const sameValue = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if ((typeof a === 'string' || typeof a === 'number') && (typeof b === 'string' || typeof b === 'number')) return String(a) === String(b);
  return JSON.stringify(a) === JSON.stringify(b);
};

export class Scenario {
  readonly shadow: ShadowState;
  readonly tabs: Tab[] = [];
  /** Conversation rooms each socket joined, as the plan asked. */
  private readonly joined = new Map<string, Set<string>>();
  /** The emits expected so far, by emit id, and whether each conditional emit was seen on both sides. */
  readonly emitsSeen = new Set<string>();
  readonly conditionSides = new Set<string>();
  /** What each socket received in the last checked step (by socket id), for the state cases. */
  readonly lastReceived = new Map<string, readonly Received[]>();

  constructor(
    readonly world: World,
    readonly users: readonly TestUser[],
  ) {
    const roles = world.plan.model.namespaces.map((ns) => ns.socketio.handshake.roles).find(Boolean);
    this.shadow = new ShadowState(roles ? (roles.counterpart ?? {}) : undefined);
    for (const u of users) this.shadow.knowUser(u.key, u.id);
  }

  /** The namespaces a user's tab opens: those whose roles admit the user, presence first (spec order). */
  namespacesOf(user: TestUser): NamespaceSpec[] {
    return this.world.specs.filter((s) => !s.roles || user.role === undefined || s.roles.allowed.includes(user.role));
  }

  /**
   * Opens a tab of a user on every namespace it may use and checks what connecting caused: each
   * namespace's `onConnect` (the user's own socket's lists, counterparts' notices) and nothing else.
   */
  async open(user: TestUser): Promise<Tab> {
    const index = this.tabs.filter((t) => t.user === user).length + 1;
    const had = (ns: string) => this.tabs.some((t) => t.user === user && t.sockets.has(ns));
    const first = new Map(this.namespacesOf(user).map((s) => [s.path, !had(s.path)]));
    const tab = await Tab.open(user, index, this.namespacesOf(user), this.world.credentials, { url: this.world.url, timeoutMs: this.world.timeoutMs });
    this.tabs.push(tab);
    const expected = new Map<string, Expected[]>();
    for (const s of tab.sockets.values()) {
      this.shadow.setOnline(user.key, s.namespace, true);
      const plan = this.world.plan.namespace(s.namespace)!;
      merge(expected, this.expectLifecycle(plan.onConnect, s.namespace, user, { first: first.get(s.namespace) }, 'onConnect', s));
    }
    await this.settle(undefined, expected);
    this.check(expected, `connecting ${tab.label}`);
    return tab;
  }

  /** Closes a tab and checks what leaving caused (`onDisconnect`); the user goes offline where they have no other socket. */
  async close(tab: Tab): Promise<void> {
    tab.close();
    this.tabs.splice(this.tabs.indexOf(tab), 1);
    const expected = new Map<string, Expected[]>();
    for (const ns of tab.sockets.keys()) {
      const last = !this.tabs.some((t) => t.user === tab.user && t.sockets.has(ns));
      if (last) this.shadow.setOnline(tab.user.key, ns, false);
      merge(expected, this.expectLifecycle(this.world.plan.namespace(ns)!.onDisconnect, ns, tab.user, { last }, 'onDisconnect'));
    }
    await this.settle(undefined, expected);
    this.check(expected, `${tab.label} leaving`);
  }

  closeAll(): void {
    for (const tab of this.tabs.splice(0)) tab.close();
  }

  /** Every open socket. */
  sockets(): TabSocket[] {
    return this.tabs.flatMap((t) => [...t.sockets.values()]);
  }

  /** Forgets what every socket received so far. */
  clearLogs(): void {
    for (const s of this.sockets()) s.log.length = 0;
  }

  /**
   * Waits until every socket has received everything sent to it so far: the expected events (up
   * to the timeout: a server's own work, such as a disconnect's, is not ordered with the runner's
   * barriers), then a barrier on `first`, then on every other socket.
   */
  async settle(first?: TabSocket, expected?: ReadonlyMap<string, readonly Expected[]>): Promise<void> {
    const specOf = (ns: string) => this.world.specs.find((s) => s.path === ns)!;
    if (expected) {
      const deadline = Date.now() + this.world.timeoutMs;
      const arrived = () => this.sockets().every((s) => s.log.length >= (expected.get(s.id)?.length ?? 0));
      while (!arrived() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    }
    if (first) await barrier(first, specOf(first.namespace), this.world.timeoutMs);
    await Promise.all(this.sockets().filter((s) => s !== first && s.socket.connected).map((s) => barrier(s, specOf(s.namespace), this.world.timeoutMs)));
  }

  /** The runner's sockets of a namespace, as the plan's recipients see them. */
  private directory(namespace: string): SocketDirectory {
    const sockets = this.sockets().filter((s) => s.namespace === namespace);
    return {
      keyOf: (id) => sockets.find((s) => s.id === id)?.tab.user.key ?? '',
      room: (name) => {
        const ids = sockets.filter((s) => name === userRoom(s.tab.user.key) || this.joined.get(s.id)?.has(name)).map((s) => s.id);
        return new Set(ids);
      },
      all: () => sockets.map((s) => s.id),
    };
  }

  /** Records what an emit plan sends, socket by socket, into `out`. */
  private collect(emit: EmitPlan, scope: ReturnType<typeof newScope<ShadowRecords>>, from: TabSocket | undefined, emitId: string, out: Map<string, Expected[]>): void {
    const delivery = emit.recipients(scope, this.directory(emit.namespace), from?.namespace === emit.namespace ? from.id : undefined);
    const saved = scope.recipient;
    for (const [key, ids] of delivery) {
      scope.recipient = key ? { key, id: this.shadow.idOf(key) } : saved;
      const expected: Expected = {
        event: emit.name(scope),
        emitId,
        fields: emit.fields.map((f, i) => ({ path: f.path, expression: Object.values(emit.emit.fields ?? {})[i], value: f.value(scope) })),
      };
      for (const id of ids) {
        const list = out.get(id) ?? [];
        list.push(expected);
        out.set(id, list);
      }
    }
    scope.recipient = saved;
  }

  /**
   * What a client event from `from` must cause: the plan run over the shadow. A guard's refusal is
   * the error event to the sending socket, and nothing else.
   */
  expectEvent(event: EventPlan, namespace: string, request: unknown, from: TabSocket): Map<string, Expected[]> {
    const out = new Map<string, Expected[]>();
    const user = from.tab.user;
    const scope = newScope<ShadowRecords>(this.shadow, request, user);
    const tag = `${namespace} ${event.event.name}`;
    const delivered = new Set<EmitPlan>();
    try {
      event.run(scope, { state: this.shadow, join: (rooms) => rooms.forEach((r) => this.join(from, r)) }, (emit) => {
        delivered.add(emit);
        this.collect(emit, scope, from, `${tag} #${event.emits.indexOf(emit) + 1}`, out);
      });
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      return this.expectError(from, error.kind, event.event.name);
    }
    event.emits.forEach((emit, i) => {
      if (emit.emit.when === undefined) return;
      this.conditionSides.add(`${tag} #${i + 1} ${delivered.has(emit) ? 'holds' : 'fails'}`);
    });
    return out;
  }

  /** What a lifecycle (a user's connect or disconnect) must cause. */
  expectLifecycle(plan: LifecyclePlan, namespace: string, user: TestUser, phase: { first?: boolean; last?: boolean }, tag: string, socket?: TabSocket): Map<string, Expected[]> {
    const out = new Map<string, Expected[]>();
    const scope = newScope<ShadowRecords>(this.shadow, {}, user, phase);
    const join = socket ? (rooms: string[]) => rooms.forEach((r) => this.join(socket, r)) : undefined;
    plan.run(scope, { state: this.shadow, join }, (emit) => this.collect(emit, scope, socket, `${namespace} ${tag} #${plan.emits.indexOf(emit) + 1}`, out));
    return out;
  }

  /** An error event the sending socket must receive, and nothing to anyone else. */
  expectError(from: TabSocket, kind: ErrorKind, event: string): Map<string, Expected[]> {
    return new Map([[from.id, [{ event: this.specOf(from.namespace).errorEvent, emitId: `${from.namespace} ${event} error`, fields: [], error: { kind, event } }]]]);
  }

  private join(from: TabSocket, room: string): void {
    let set = this.joined.get(from.id);
    if (!set) this.joined.set(from.id, (set = new Set()));
    set.add(room);
  }

  specOf(namespace: string): NamespaceSpec {
    return this.world.specs.find((s) => s.path === namespace)!;
  }

  /**
   * Compares every socket's log with what was expected (nothing, where nothing was): the names in
   * order, each payload valid, each correlated field as the spec says. Learns the server's ids.
   */
  check(expected: Map<string, Expected[]>, context?: string): void {
    this.lastReceived.clear();
    const problems: string[] = [];
    const learnt = new Map<string, unknown>();
    const traces: SocketTrace[] = [];
    for (const socket of this.sockets()) {
      const spec = this.specOf(socket.namespace);
      const received = socket.log.filter((r) => !isBarrierAnswer(spec, r.event, r.payload));
      this.lastReceived.set(socket.id, received);
      const wanted = expected.get(socket.id) ?? [];
      traces.push({ socket: socket.label, expected: wanted.map((e) => (e.error ? `${e.event} (${e.error.kind}, ${ERROR_STATUS[e.error.kind]})` : e.event)), received: received.map((r) => summary(r.event, r.payload)) });
      const names = received.map((r) => r.event);
      if (names.length !== wanted.length || names.some((n, i) => n !== wanted[i]!.event)) {
        problems.push(`${socket.label} expected [${wanted.map((e) => e.event).join(', ')}] and received [${names.join(', ')}]`);
        continue;
      }
      received.forEach((r, i) => {
        const want = wanted[i]!;
        this.emitsSeen.add(want.emitId);
        // Every payload, the error event's too, must match its schema.
        for (const p of this.world.validate(socket.namespace, 'server', r.event, r.payload)) problems.push(`${socket.label} ${r.event}: ${p.field ? `${p.field}: ` : ''}${p.message}`);
        if (want.error) {
          for (const f of spec.errorFields) {
            if ('value' in f && !sameValue(getPath(r.payload, f.path), f.value)) problems.push(`${socket.label} ${r.event}: ${f.path.join('.')} is ${JSON.stringify(getPath(r.payload, f.path))}, the spec says ${JSON.stringify(f.value)}`);
          }
          const status = failurePath(spec.errorFields, 'status');
          const eventField = failurePath(spec.errorFields, 'event');
          const code = ERROR_STATUS[want.error.kind];
          if (status && !sameValue(getPath(r.payload, status), code)) problems.push(`${socket.label} ${r.event}: ${status.join('.')} is ${JSON.stringify(getPath(r.payload, status))}, the spec says ${code} (${want.error.kind})`);
          if (eventField && want.error.event !== undefined && !sameValue(getPath(r.payload, eventField), want.error.event)) problems.push(`${socket.label} ${r.event}: ${eventField.join('.')} is ${JSON.stringify(getPath(r.payload, eventField))}, not '${want.error.event}'`);
          return;
        }
        for (const f of want.fields) {
          const actual = getPath(r.payload, f.path);
          const where = `${socket.label} ${r.event}.${f.path.join('.')}`;
          if (typeof f.expression === 'string' && TIME_EXPRESSIONS.has(f.expression)) {
            if (actual === undefined || Number.isNaN(new Date(actual as string).getTime())) problems.push(`${where} should be a time (${f.expression}), is ${JSON.stringify(actual)}`);
          } else if (isPlaceholder(f.value)) {
            if (actual === undefined || actual === null) problems.push(`${where} should hold the id the server gave (${String(f.expression)}), is ${JSON.stringify(actual)}`);
            else if (learnt.has(f.value) && !sameValue(learnt.get(f.value), actual)) problems.push(`${where} is ${JSON.stringify(actual)}, elsewhere ${JSON.stringify(learnt.get(f.value))} (${String(f.expression)})`);
            else learnt.set(f.value, actual);
          } else if (f.value === undefined || f.value === null) {
            if (actual !== undefined && actual !== null) problems.push(`${where} should be absent (${String(f.expression)} has no value), is ${JSON.stringify(actual)}`);
          } else if (!sameValue(actual, f.value)) {
            problems.push(`${where} is ${JSON.stringify(actual)}, the spec says ${JSON.stringify(f.value)} (${String(f.expression)})`);
          }
        }
      });
    }
    for (const [placeholder, actual] of learnt) this.shadow.learn(placeholder, actual);
    this.clearLogs();
    if (problems.length) throw new Mismatch(`${context ? `${context}: ` : ''}${problems.join('\n')}`, traces);
  }
}

/** Adds what one step expects to what another does, socket by socket. */
function merge(into: Map<string, Expected[]>, from: ReadonlyMap<string, readonly Expected[]>): void {
  for (const [id, list] of from) into.set(id, [...(into.get(id) ?? []), ...list]);
}

/** The users of a case: the actor, the counterpart (of the counterpart role), an outsider (the actor's role). */
export function caseUsers(make: { user(label: string, role?: string): TestUser; counterpartRole(role?: string): string | undefined }): { actor: TestUser; peer: TestUser; outsider: TestUser } {
  const actor = make.user('ada');
  const peer = make.user('bob', make.counterpartRole(actor.role));
  const outsider = make.user('cy', actor.role);
  return { actor, peer, outsider };
}

