/**
 * One mocked namespace: the generated runtime's `attachNamespace` (handshake, validation of
 * every client payload, identity checks, the error event, per-socket ordering) with one generic
 * handler per client event, built from the spec's event list, and the lifecycle.
 */
import type { Namespace, Server, Socket } from 'socket.io';
import type { Actor, SocketDirectory } from '../../src/behaviour/index.js';
import { attachNamespace, type HandlerContext } from '../../src/runtime/server.js';
import type { NamespaceModel } from '../../src/spec/model.js';
import { namespaceSpecOf } from '../../src/spec/namespace-spec.js';
import type { MockContext } from '../context.js';
import type { EmitTarget } from './emits.js';
import { authenticator, type AuthMode, type MockIdentity } from './handshake.js';
import { compileLifecycle, type CompiledLifecycle } from './lifecycle.js';
import { compileReaction, type CompiledReaction } from './reaction.js';

const EMPTY = new Set<string>();

/** What the mock keeps about a connected socket. */
export interface SocketInfo {
  readonly id: string;
  readonly namespace: string;
  readonly connectedAt: number;
  readonly context: HandlerContext;
}

export class MockNamespace {
  readonly path: string;
  readonly presencePath: string;
  readonly nsp: Namespace;
  readonly sockets = new Map<string, SocketInfo>();
  readonly reactions = new Map<string, CompiledReaction>();
  /** The identity each handshake was given (its raw id is a number where ids are integers). */
  private readonly identities = new WeakMap<object, MockIdentity>();
  private readonly connect: CompiledLifecycle;
  private readonly disconnect: CompiledLifecycle;
  /** Where emits go: this namespace's sockets. */
  readonly target: EmitTarget;
  readonly directory: SocketDirectory;

  constructor(
    private readonly ctx: MockContext,
    readonly model: NamespaceModel,
    io: Server,
    auth: AuthMode,
  ) {
    this.path = model.path;
    this.presencePath = ctx.behaviour.namespace(model.path)!.presenceNamespace;
    this.nsp = io.of(model.path);
    const nsp = this.nsp;
    this.directory = {
      keyOf: (id) => this.sockets.get(id)?.context.userKey ?? '',
      room: (name) => nsp.adapter.rooms.get(name) ?? EMPTY,
      all: () => nsp.sockets.keys(),
    };
    this.target = {
      directory: this.directory,
      send: (id, event, payload) => {
        nsp.sockets.get(id)?.emit(event, payload);
      },
      sendMany: (ids, event, payload) => {
        const list = [...ids];
        // Every socket is in the room of its own id: a broadcast encodes the packet, and its
        // WebSocket frame, once (Socket.IO pre-encodes broadcasts), even for a single socket.
        if (list.length > 0) nsp.to(list).emit(event, payload);
        return list.length;
      },
    };
    const plan = ctx.behaviour.namespace(model.path)!;
    for (const [wire, event] of plan.events) this.reactions.set(wire, compileReaction(ctx, event, this.target, this.presencePath));
    this.connect = compileLifecycle(ctx, plan.onConnect, this.target, this.presencePath);
    this.disconnect = compileLifecycle(ctx, plan.onDisconnect, this.target, this.presencePath);

    const authenticate = authenticator(ctx.spec.model, model, auth);
    const spec = namespaceSpecOf(ctx.spec.model, model);
    const handlers: Record<string, unknown> = {
      onConnect: (hctx: HandlerContext) => this.onConnect(hctx),
      onDisconnect: (hctx: HandlerContext, reason: string) => this.onDisconnect(hctx, reason),
    };
    for (const { wire, method } of spec.events) {
      const reaction = this.reactions.get(wire)!;
      handlers[method] = async (payload: unknown, hctx: HandlerContext) => {
        if (ctx.settings.latency > 0) await new Promise((r) => setTimeout(r, ctx.settings.latency));
        ctx.logger.debug({ event: wire, user: hctx.userKey, socket: hctx.socket.id }, 'client event');
        return reaction.run(payload, { actor: this.actorOf(hctx), socket: hctx.socket });
      };
    }
    // The runtime counts a missing argument as `{}` where the payload may be empty (`joinRooms`).
    attachNamespace(io, spec, handlers, ctx.spec.validate, {
      authenticate: async (credential) => {
        const identity = await authenticate(credential);
        if (identity) this.identities.set(credential.handshake, identity);
        return identity;
      },
      validateOutgoing: false,
      isOnline: (userKey) => ctx.presence.isOnline(userKey, this.presencePath),
      logger: ctx.logger,
    });
  }

  /** The acting user of a socket. */
  actorOf(hctx: HandlerContext): Actor {
    const attributes = hctx.attributes as Record<string, unknown>;
    const id = this.identities.get(hctx.socket.handshake)?.rawId ?? hctx.userId;
    const role = this.ctx.users.roles ? String(attributes[this.ctx.users.roles.attribute] ?? '') : undefined;
    return { key: hctx.userKey, id, role, attributes };
  }

  private onConnect(hctx: HandlerContext): void {
    const socket: Socket = hctx.socket;
    this.sockets.set(socket.id, { id: socket.id, namespace: this.path, connectedAt: Date.now(), context: hctx });
    this.ctx.logger.info({ namespace: this.path, user: hctx.userId || undefined, socket: socket.id }, 'socket connected');
    if (!hctx.userKey || this.connect.empty) return;
    const first = this.ctx.presence.sockets(hctx.userKey, this.path).size === 1 && !this.ctx.presence.isVirtual(hctx.userKey, this.path);
    this.connect.run(this.actorOf(hctx), { first }, socket);
  }

  private onDisconnect(hctx: HandlerContext, reason: string): void {
    const socket: Socket = hctx.socket;
    this.sockets.delete(socket.id);
    this.ctx.logger.info({ namespace: this.path, user: hctx.userId || undefined, socket: socket.id, reason }, 'socket disconnected');
    if (!hctx.userKey || this.disconnect.empty) return;
    const last = this.ctx.presence.sockets(hctx.userKey, this.path).size === 0 && !this.ctx.presence.isVirtual(hctx.userKey, this.path);
    this.disconnect.run(this.actorOf(hctx), { last }, socket);
  }

  /** Runs the lifecycle of a fake peer coming online / going offline (chatter). */
  virtualPresence(actor: Actor, online: boolean): void {
    const changed = online ? this.ctx.presence.connectVirtual(actor.key, this.path) : this.ctx.presence.disconnectVirtual(actor.key, this.path);
    if (!changed) return;
    const alone = this.ctx.presence.sockets(actor.key, this.path).size === 0;
    if (online) this.connect.run(actor, { first: alone });
    else this.disconnect.run(actor, { last: alone });
  }

  /** Whether this namespace has lifecycle emits (so that a fake peer's presence shows). */
  get hasLifecycle(): boolean {
    return !this.connect.empty || !this.disconnect.empty;
  }
}
