/**
 * The control API: HTTP + JSON under `/_mock/` on the mock's port, for frontend end-to-end tests
 * and the playground. See docs/mock.md for every endpoint with curl examples.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodePathSegment, HttpError, readJson as readJsonBody } from '../src/server/http.js';
import { isDynamic } from '../src/spec/model.js';
import type { Chatter } from './chatter.js';
import { claimsFor, mockToken } from './handshake.js';
import { EmitError, type EmitTo, type MockProtocol } from './protocol.js';
import { fakeRequest } from './requests.js';
import { Renderer } from './render.js';

export interface ControlDeps {
  readonly protocol: MockProtocol;
  readonly chatter: Chatter;
  /** The mocks running side by side (this one included), for the playground's protocol picker. */
  readonly mocks: () => readonly { protocol: string; url: string; title: string }[];
  readonly url: () => string;
}

const MAX_BODY = 16 * 1024 * 1024;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, (_k, v: unknown) => (v instanceof Uint8Array ? { binary: v.byteLength } : v), 2);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

const num = (v: unknown, name: string, min: number, max: number): number => {
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || Number.isNaN(n) || n < min || n > max) throw new HttpError(400, `${name} must be a number from ${min} to ${max}`);
  return n;
};

/** A user id from a query string: a number where the spec's user ids are numbers. */
function userIdParam(protocol: MockProtocol, value: string): string | number {
  const component = protocol.ctx.facts.userIdComponent;
  const schema = component ? protocol.ctx.spec.index.resolve({ $ref: `#/components/schemas/${component}` }) : {};
  return (schema.type === 'integer' || schema.type === 'number') && /^\d+$/.test(value) ? Number(value) : value;
}

/** Handles a `/_mock/…` request; false when the path is not the control API's. */
export async function handleControl(req: IncomingMessage, res: ServerResponse, url: URL, deps: ControlDeps): Promise<boolean> {
  const path = url.pathname.replace(/\/+$/, '') || '/';
  if (!path.startsWith('/_mock')) return false;
  const { protocol, chatter } = deps;
  const ctx = protocol.ctx;
  const method = req.method ?? 'GET';
  const q = (name: string) => url.searchParams.get(name) ?? undefined;
  try {
    const route = `${method} ${path}`;
    switch (route) {
      case 'GET /_mock':
        sendJson(res, 200, {
          protocol: protocol.name,
          title: ctx.spec.model.title,
          url: deps.url(),
          playground: `${deps.url()}/_mock/playground/`,
          namespaces: [...protocol.namespaces.keys()],
          settings: ctx.settings,
          state: ctx.store.summary(),
          pools: protocol.poolsReady ? 'ready' : 'warming',
          endpoints: [
            'GET /_mock/protocol',
            'GET /_mock/sockets',
            'GET /_mock/users',
            'POST /_mock/emit',
            'GET|PUT /_mock/config',
            'POST /_mock/reset',
            'POST /_mock/seed',
            'GET /_mock/token?user=&role=&name=',
            'GET /_mock/fake?event=&direction=&namespace=&user=',
            'POST /_mock/validate',
            'POST /_mock/chatter',
            'GET /_mock/state',
            'GET /_mock/media/:id',
            'GET /_mock/mocks',
          ],
        });
        return true;
      case 'GET /_mock/mocks':
        sendJson(res, 200, deps.mocks());
        return true;
      case 'GET /_mock/protocol':
        sendJson(res, 200, describe(protocol));
        return true;
      case 'GET /_mock/sockets':
        sendJson(res, 200, protocol.sockets());
        return true;
      case 'GET /_mock/users':
        sendJson(res, 200, protocol.users());
        return true;
      case 'GET /_mock/config':
        sendJson(res, 200, ctx.settings);
        return true;
      case 'PUT /_mock/config':
      case 'PATCH /_mock/config':
      case 'POST /_mock/config': {
        const body = await readJsonBody(req, MAX_BODY);
        if (body.latency !== undefined) ctx.settings.latency = num(body.latency, 'latency', 0, 60_000);
        if (body.drop !== undefined) ctx.settings.drop = num(body.drop, 'drop', 0, 1);
        if (body.fill !== undefined) ctx.settings.fill = num(body.fill, 'fill', 0, 50);
        if (body.stateless !== undefined) ctx.settings.stateless = body.stateless === true;
        if (body.chatter !== undefined) chatter.setRate(num(body.chatter, 'chatter', 0, 1000));
        sendJson(res, 200, ctx.settings);
        return true;
      }
      case 'POST /_mock/reset':
        protocol.reset();
        sendJson(res, 200, { reset: true, seed: ctx.settings.seed });
        return true;
      case 'POST /_mock/seed': {
        const body = await readJsonBody(req, MAX_BODY);
        const seed = num(body.seed, 'seed', 0, 2 ** 32 - 1);
        let now: number | null | undefined;
        if (body.now === null || body.now === 'real') now = null;
        else if (body.now !== undefined) {
          now = typeof body.now === 'number' ? body.now : Date.parse(String(body.now));
          if (Number.isNaN(now)) throw new HttpError(400, 'now must be an ISO time, a number of ms, or "real"');
        }
        protocol.reseed(Math.floor(seed), now);
        sendJson(res, 200, { seed: ctx.settings.seed, now: ctx.settings.now === undefined ? 'real' : new Date(ctx.settings.now).toISOString() });
        return true;
      }
      case 'GET /_mock/token': {
        const user = q('user');
        if (!user) throw new HttpError(400, 'user is required (GET /_mock/token?user=u-ada)');
        const ns = protocol.namespace(q('namespace'));
        const claims = claimsFor(ns.model, userIdParam(protocol, user), { role: q('role'), name: q('name') });
        sendJson(res, 200, { token: mockToken(claims), claims });
        return true;
      }
      case 'POST /_mock/emit': {
        const body = await readJsonBody(req, MAX_BODY);
        if (typeof body.event !== 'string') throw new HttpError(400, 'event is required');
        const to = (body.to ?? 'namespace') as EmitTo;
        const result = protocol.emit({
          namespace: typeof body.namespace === 'string' ? body.namespace : undefined,
          event: body.event,
          payload: body.payload,
          to,
          params: (body.params ?? undefined) as Record<string, string> | undefined,
          allowInvalid: body.allowInvalid === true,
        });
        sendJson(res, 200, result);
        return true;
      }
      case 'GET /_mock/fake': {
        const event = q('event');
        if (!event) throw new HttpError(400, 'event is required');
        const ns = protocol.namespace(q('namespace'));
        const direction = q('direction') ?? 'client';
        const user = q('user');
        const key = user ? protocol.userKey(userIdParam(protocol, user), q('role')) : undefined;
        if (direction === 'server') {
          const found = protocol.serverEvent(ns.model, event);
          if (!found) throw new HttpError(404, `unknown server event '${event}'`);
          sendJson(res, 200, { event: found.wire, payload: protocol.fakeServerPayload(ns, found.event, key) });
          return true;
        }
        const e = ns.model.events.find((x) => x.direction === 'client' && (x.name === event || x.key === event));
        if (!e) throw new HttpError(404, `unknown client event '${event}' in ${ns.path}`);
        let payload: unknown;
        if (key) {
          const renderer = new Renderer(ctx, ctx.store);
          renderer.ensureFilled(key);
          const conv = ctx.store.conversationsOf(key).find((c) => c.participants.length > 1);
          payload = fakeRequest(ctx, e, { actor: key, conversation: conv, namespace: ns.path });
        } else {
          payload = ctx.factory.sample(ctx.factory.forEvent(e, ns.path, (p) => ctx.spec.validate(ns.path, 'client', e.name, p).length === 0), ctx.rng);
        }
        sendJson(res, 200, { event: e.name, payload: payload ?? {} });
        return true;
      }
      case 'POST /_mock/validate': {
        const body = await readJsonBody(req, MAX_BODY);
        const ns = protocol.namespace(typeof body.namespace === 'string' ? body.namespace : undefined);
        const direction = body.direction === 'client' ? 'client' : 'server';
        if (typeof body.event !== 'string') throw new HttpError(400, 'event is required');
        const problems = ctx.spec.validate(ns.path, direction, body.event, body.payload);
        sendJson(res, 200, { valid: problems.length === 0, problems });
        return true;
      }
      case 'POST /_mock/chatter': {
        const body = await readJsonBody(req, MAX_BODY);
        const users = body.user !== undefined ? [protocol.userKey(userIdParam(protocol, String(body.user)), typeof body.role === 'string' ? body.role : undefined)] : protocol.connectedUsers();
        const action = typeof body.action === 'string' ? (body.action as 'message' | 'typing' | 'read' | 'presence') : undefined;
        const done = users.map((u) => ({ user: u, action: chatter.act(u, action) ?? null }));
        sendJson(res, 200, { done });
        return true;
      }
      case 'GET /_mock/state':
        sendJson(res, 200, state(protocol));
        return true;
      default:
        break;
    }
    const media = /^\/_mock\/media\/([^/]+)$/.exec(path);
    if (method === 'GET' && media) {
      const item = ctx.store.media.get(decodePathSegment(media[1]!));
      if (!item) throw new HttpError(404, 'no such media');
      res.writeHead(200, { 'content-type': item.mimeType, 'content-length': item.bytes.byteLength });
      res.end(Buffer.from(item.bytes));
      return true;
    }
    throw new HttpError(404, `no route ${method} ${path} (see GET /_mock)`);
  } catch (error) {
    if (error instanceof HttpError) sendJson(res, error.status, { error: error.message });
    else if (error instanceof EmitError) sendJson(res, error.status, { error: error.message, problems: error.problems });
    else {
      ctx.logger.error({ err: error }, 'control API failed');
      sendJson(res, 500, { error: 'internal error' });
    }
    return true;
  }
}

/** What the playground shows of a protocol: namespaces, events, handshake. */
function describe(protocol: MockProtocol) {
  const model = protocol.ctx.spec.model;
  const roles = protocol.ctx.users.roles;
  return {
    protocol: model.protocol,
    title: model.title,
    version: model.version,
    roles: roles?.allowed ?? [],
    userIdType: ((): string => {
      const component = protocol.ctx.facts.userIdComponent;
      const schema = component ? protocol.ctx.spec.index.resolve({ $ref: `#/components/schemas/${component}` }) : {};
      return String(schema.type ?? 'string');
    })(),
    namespaces: model.namespaces.map((ns) => ({
      path: ns.path,
      title: ns.title,
      presence: ns.socketio.presence ?? ns.path,
      tokenSources: ns.socketio.handshake.jwt?.token ?? [],
      roles: ns.socketio.handshake.roles?.allowed ?? [],
      client: ns.events
        .filter((e) => e.direction === 'client')
        .map((e) => ({ name: e.name, key: e.key, title: e.title, summary: e.summary })),
      server: ns.events
        .filter((e) => e.direction === 'server')
        .map((e) => ({ name: e.name, key: e.key, title: e.title, summary: e.summary, dynamic: isDynamic(e), parameters: e.parameters ? Object.keys(e.parameters) : [] })),
    })),
  };
}

/** The state, for debugging a UI: conversations with their participants and messages. */
function state(protocol: MockProtocol) {
  const ctx = protocol.ctx;
  const store = ctx.store;
  return {
    summary: store.summary(),
    conversations: [...store.conversations.values()].map((c) => ({
      id: c.id,
      kind: c.kind,
      participants: c.participants.map((p) => ({ key: p, name: ctx.users.profile(p).name, fake: store.users.get(p)?.fake ?? false })),
      scope: c.scope,
      name: c.name,
      pinned: c.pinned,
      messages: store.messagesOf(c).map((m) => ({
        id: m.id,
        sender: m.sender,
        text: m.text,
        createdAt: new Date(m.createdAt).toISOString(),
        readBy: [...m.readBy],
        pending: [...m.pending],
        edited: m.editedAt !== undefined,
        pinned: m.pinned,
      })),
    })),
  };
}
