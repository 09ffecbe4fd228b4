/**
 * One mocked protocol: a spec loaded and compiled (entities, payload pools, reactions), its
 * namespaces attached to a Socket.IO server, its state, clock and random streams, and the
 * operations the control API and the chatter use.
 */
import type { Server } from 'socket.io';
import { compileBehaviour, newScope, requestPath } from '../src/behaviour/index.js';
import { conversationRoom, userRoom } from '../src/runtime/errors.js';
import { HttpError } from '../src/server/http.js';
import type { EventModel, NamespaceModel } from '../src/spec/model.js';
import { asList } from '../src/spec/vocabulary.js';
import { Clock } from './state/clock.js';
import type { MockContext, MockSettings } from './context.js';
import { carriedFields, entityPlans } from './spec/entities.js';
import { examplesByComponent } from './spec/examples.js';
import { PayloadFactory } from './payloads/generator.js';
import type { Logger } from '../src/server/logger.js';
import { MockNamespace } from './transport/namespace.js';
import { Presence } from './state/presence.js';
import { hash32, Random } from './state/random.js';
import { learnIdShapes, Realism } from './payloads/realism.js';
import { compilePayload, type PayloadPlan } from './payloads/payload.js';
import { Renderer, REQUEST_FIRST } from './payloads/render.js';
import { refName } from './spec/schemas.js';
import { loadSpec, type LoadedSpec } from './spec/spec.js';
import { Store, type ConversationKind, type UserKey } from './state/state.js';
import { Users, type RolesConfig } from './state/users.js';
import { MockWorld, type MockRecords } from './state/world.js';
import { patternOf } from '../src/spec/event-validators.js';
import { SchemaChecker } from './spec/validation.js';
import type { AuthMode } from './transport/handshake.js';

export interface ProtocolOptions {
  readonly settings: MockSettings;
  readonly auth: AuthMode;
  readonly logger: Logger;
  readonly publicUrl: () => string;
}

/** Where a control-API emit goes. */
export type EmitTo =
  | 'namespace'
  | { readonly socket: string }
  | { readonly user: string | number; readonly role?: string }
  | { readonly room: string }
  | { readonly conversation: string };

/** A control-API emit that cannot be made (an unknown event, socket or namespace, an invalid payload). */
export class EmitError extends HttpError {
  constructor(
    message: string,
    status = 400,
    readonly problems?: readonly { field: string; message: string }[],
  ) {
    super(status, message, problems ? { problems } : undefined);
    this.name = 'EmitError';
  }
}

function factsOf(spec: LoadedSpec, plans: ReturnType<typeof entityPlans>): MockContext['facts'] {
  const { model, index } = spec;
  const jwtNs = model.namespaces.find((ns) => ns.socketio?.handshake?.jwt);
  const jwt = jwtNs?.socketio.handshake.jwt;
  const userIdComponent = jwt ? refName(index.at(jwt.claims, (jwt.userId ?? 'sub').split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s)))) : undefined;
  const idComponent = (kind: 'message' | 'conversation') => {
    const plan = [...plans.values()].find((p) => p.kind === kind);
    return plan ? refName(plan.properties[plan.idProp]) : undefined;
  };
  const kinds: ConversationKind[] = [];
  let scopeSchemas: unknown[] = [];
  for (const ns of model.namespaces) {
    for (const e of ns.events) {
      const r = e.reaction;
      if (!r) continue;
      for (const c of asList(r.conversation)) {
        if ('kind' in c && !kinds.includes(c.kind)) kinds.push(c.kind);
        if ('kind' in c && c.kind === 'product' && scopeSchemas.length === 0) {
          scopeSchemas = (c.scope ?? []).map((expr) => {
            const path = requestPath(expr);
            return path ? index.at(e.payload, path) : { type: 'string' };
          });
        }
      }
      if (r.effect && typeof r.effect === 'object' && 'createConversation' in r.effect && !kinds.includes('group')) kinds.push('group');
    }
  }
  return {
    userIdComponent,
    conversationIdComponent: idComponent('conversation'),
    messageIdComponent: idComponent('message'),
    conversationKinds: kinds,
    scopeSchemas,
    carried: carriedFields(plans, REQUEST_FIRST),
  };
}

export class MockProtocol {
  readonly ctx: MockContext;
  readonly namespaces = new Map<string, MockNamespace>();
  private readonly bare = new Map<string, PayloadPlan>();
  /** Whether the payload pools are built (they are, in the background, after start). */
  poolsReady = false;

  private constructor(ctx: MockContext) {
    this.ctx = ctx;
  }

  get name(): string {
    return this.ctx.spec.model.protocol;
  }

  /** Loads and compiles a spec, and attaches its namespaces to `io`. */
  static async create(specFile: string, io: Server, options: ProtocolOptions): Promise<MockProtocol> {
    const spec = await loadSpec(specFile);
    const logger = options.logger.child({ protocol: spec.model.protocol });
    const settings = options.settings;
    const plans = entityPlans(spec.model, spec.index, (ref) => spec.eventOf(ref)?.event);
    const examples = examplesByComponent(spec.model, spec.index);
    let clock = new Clock(settings.now);
    const realism = new Realism(learnIdShapes(examples), () => clock.now());
    const checker = new SchemaChecker(spec.model);
    const factory = new PayloadFactory(spec.index, realism, examples, (schema, value) => checker.check(schema, value).length === 0, settings.seed, { logger });
    let store = new Store();
    const rolesNs = spec.model.namespaces.find((ns) => ns.socketio?.handshake?.roles);
    const roles: RolesConfig | undefined = rolesNs
      ? { attribute: rolesNs.socketio.handshake.roles!.attribute, allowed: rolesNs.socketio.handshake.roles!.allowed, counterpart: rolesNs.socketio.handshake.roles!.counterpart ?? {} }
      : undefined;
    let world!: MockWorld;
    const ctx: MockContext = {
      spec,
      behaviour: compileBehaviour(spec.model),
      get world() {
        return world;
      },
      plans,
      factory,
      realism,
      users: new Users(() => ctx.store, realism, () => settings.seed, roles),
      presence: new Presence(io),
      logger,
      settings,
      io,
      get store() {
        return store;
      },
      set store(s) {
        store = s;
      },
      get clock() {
        return clock;
      },
      set clock(c) {
        clock = c;
      },
      rng: new Random(hash32(settings.seed, 'main')),
      dropRng: new Random(hash32(settings.seed, 'drop')),
      facts: factsOf(spec, plans),
      publicUrl: options.publicUrl,
    };
    world = new MockWorld(ctx);
    const protocol = new MockProtocol(ctx);
    for (const ns of spec.model.namespaces) protocol.namespaces.set(ns.path, new MockNamespace(ctx, ns, io, options.auth));
    for (const plan of plans.values()) factory.forSchema(plan.schema);
    logger.debug({ validators: spec.generatedValidators ? 'generated' : 'compiled', entities: [...plans.keys()] }, 'spec compiled');
    return protocol;
  }

  /** Forgets everything clients did; the random streams and the clock start again from the seed. */
  reset(): void {
    const ctx = this.ctx;
    ctx.store = new Store();
    ctx.presence.reset();
    ctx.rng = new Random(hash32(ctx.settings.seed, 'main'));
    ctx.dropRng = new Random(hash32(ctx.settings.seed, 'drop'));
    ctx.factory.reseed(ctx.settings.seed);
    ctx.clock = new Clock(ctx.settings.now);
  }

  /** Sets a new seed (and, optionally, a fixed clock start) and resets. */
  reseed(seed: number, now?: number | null): void {
    this.ctx.settings.seed = seed >>> 0;
    if (now !== undefined) this.ctx.settings.now = now ?? undefined;
    this.reset();
  }

  /** The namespace of a path (the only one when there is one). */
  namespace(path?: string): MockNamespace {
    const ns = path === undefined ? [...this.namespaces.values()][0] : this.namespaces.get(path);
    if (!ns) throw new EmitError(`unknown namespace '${path}' (namespaces: ${[...this.namespaces.keys()].join(', ')})`, 404);
    return ns;
  }

  /** A server event by wire name, message key, or a concrete name of a dynamic event (`group_u1`). */
  serverEvent(ns: NamespaceModel, name: string): { event: EventModel; wire: string } | undefined {
    const server = ns.events.filter((e) => e.direction === 'server');
    const exact = server.find((e) => e.name === name || e.key === name);
    if (exact) return { event: exact, wire: exact.name };
    const dynamic = server
      .filter((e) => /\{/.test(e.name))
      .sort((a, b) => b.name.replace(/\{[^}]+\}/g, '').length - a.name.replace(/\{[^}]+\}/g, '').length)
      .find((e) => patternOf(e.name).test(name));
    return dynamic ? { event: dynamic, wire: name } : undefined;
  }

  /** A faked payload of a server event, as the mock would send it to `viewer` (lists are theirs). */
  fakeServerPayload(ns: MockNamespace, event: EventModel, viewer?: UserKey): unknown {
    let plan = this.bare.get(`${ns.path}\u0000${event.key}`);
    if (!plan) {
      plan = compilePayload(this.ctx, event, ns.path);
      this.bare.set(`${ns.path}\u0000${event.key}`, plan);
    }
    const key = viewer ?? '';
    const actor = { key, id: key ? this.ctx.users.idOf(key) : '', role: key ? this.ctx.users.roleOf(key) : undefined, attributes: {} };
    const scope = newScope<MockRecords>(this.ctx.world, {}, actor);
    return plan.build(scope, new Renderer(this.ctx, this.ctx.store), { viewer: key, presenceNamespace: ns.presencePath });
  }

  /** The user key of a user named by the control API (an id, or a key `role:id`); known from now on. */
  userKey(user: string | number, role?: string): UserKey {
    const users = this.ctx.users;
    if (typeof user === 'string' && this.ctx.store.users.has(user)) return user;
    if (users.roles) {
      const r = role ?? users.roles.allowed[0]!;
      return users.keyOf(user, undefined, r);
    }
    return users.keyOf(user);
  }

  /**
   * Emits a server event (its payload given, or faked) to a socket, a user, a room, a
   * conversation or the whole namespace; returns the ids of the sockets it reached.
   */
  emit(options: { namespace?: string; event: string; payload?: unknown; to: EmitTo; params?: Record<string, string>; allowInvalid?: boolean }): { event: string; payload: unknown; sockets: string[] } {
    const ns = this.namespace(options.namespace);
    const found = this.serverEvent(ns.model, options.event);
    if (!found) {
      const names = ns.model.events.filter((e) => e.direction === 'server').map((e) => e.name);
      throw new EmitError(`unknown server event '${options.event}' in ${ns.path} (events: ${names.join(', ')})`, 404);
    }
    let wire = found.wire;
    if (/\{/.test(wire)) {
      wire = wire.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, p: string) => {
        const v = options.params?.[p];
        if (v === undefined) throw new EmitError(`'${found.event.name}' needs the parameter '${p}' (params: { "${p}": … })`);
        return v;
      });
    }
    const sockets = this.targetSockets(ns, options.to);
    const viewerKey = sockets.length ? ns.directory.keyOf(sockets[0]!) : undefined;
    const payload = options.payload !== undefined ? options.payload : this.fakeServerPayload(ns, found.event, viewerKey || undefined);
    const problems = this.ctx.spec.validate(ns.path, 'server', wire, payload);
    if (problems.length && !options.allowInvalid) throw new EmitError(`the payload is not a valid '${found.event.name}': ${problems[0]!.message}`, 422, problems);
    for (const id of sockets) ns.target.send(id, wire, payload);
    this.ctx.logger.debug({ event: wire, sockets: sockets.length }, 'control API emit');
    return { event: wire, payload, sockets };
  }

  private targetSockets(ns: MockNamespace, to: EmitTo): string[] {
    if (to === 'namespace') return [...ns.directory.all()];
    if ('socket' in to) {
      if (!ns.sockets.has(to.socket)) throw new EmitError(`no socket '${to.socket}' in ${ns.path}`, 404);
      return [to.socket];
    }
    if ('user' in to) return [...ns.directory.room(userRoom(this.userKey(to.user, to.role)))];
    if ('room' in to) return [...ns.directory.room(to.room)];
    if ('conversation' in to) {
      const conv = this.ctx.store.conversations.get(to.conversation);
      const ids = new Set<string>(ns.directory.room(conversationRoom(to.conversation)));
      for (const key of conv?.participants ?? []) for (const id of ns.directory.room(userRoom(key))) ids.add(id);
      return [...ids];
    }
    throw new EmitError('`to` must be "namespace", { socket }, { user }, { room } or { conversation }');
  }

  /** The connected sockets of every namespace. */
  sockets(): { id: string; namespace: string; user?: string | number; userKey?: string; rooms: string[]; connectedAt: string }[] {
    const out: ReturnType<MockProtocol['sockets']> = [];
    for (const ns of this.namespaces.values()) {
      for (const info of ns.sockets.values()) {
        const socket = info.context.socket;
        const key = info.context.userKey;
        out.push({
          id: info.id,
          namespace: ns.path,
          user: key ? this.ctx.users.idOf(key) : undefined,
          userKey: key || undefined,
          rooms: [...socket.rooms].filter((r) => r !== socket.id),
          connectedAt: new Date(info.connectedAt).toISOString(),
        });
      }
    }
    return out;
  }

  /** The users the mock knows: connected ones, and the fake peers it made up. */
  users(): { key: string; id: string | number; role?: string; name: string; fake: boolean; online: Record<string, boolean>; sockets: number }[] {
    const out: ReturnType<MockProtocol['users']> = [];
    for (const user of this.ctx.store.users.values()) {
      const online: Record<string, boolean> = {};
      let sockets = 0;
      for (const ns of this.namespaces.values()) {
        online[ns.path] = this.ctx.presence.isOnline(user.key, ns.path);
        sockets += this.ctx.presence.sockets(user.key, ns.path).size;
      }
      if (!user.fake && sockets === 0 && this.ctx.store.conversationsOf(user.key).length === 0) continue;
      out.push({ key: user.key, id: user.id, role: user.role, name: this.ctx.users.profile(user.key).name, fake: user.fake, online, sockets });
    }
    return out;
  }

  /** Connected users (user keys) of every namespace, each once. */
  connectedUsers(): UserKey[] {
    const keys = new Set<UserKey>();
    for (const ns of this.namespaces.values()) for (const info of ns.sockets.values()) if (info.context.userKey) keys.add(info.context.userKey);
    return [...keys].sort();
  }
}
