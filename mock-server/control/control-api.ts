/**
 * The control API: HTTP + JSON under `/_mock/` on the mock's port, for frontend end-to-end tests
 * and the playground. See docs/mock.md for every endpoint with curl examples.
 */
import type { IncomingMessage } from 'node:http';
import { HttpError, readJson, sendJson, type Method, type Route } from '../../src/server/http.js';
import { isDynamic } from '../../src/spec/model.js';
import type { Chatter } from './chatter.js';
import { claimsFor, mockToken } from '../transport/handshake.js';
import type { EmitTo, MockProtocol } from '../protocol.js';
import { fakeRequest } from '../payloads/requests.js';
import { Renderer } from '../payloads/render.js';

export interface ControlDeps {
  readonly protocol: MockProtocol;
  readonly chatter: Chatter;
  /** The mocks running side by side (this one included), for the playground's protocol picker. */
  readonly mocks: () => readonly { protocol: string; url: string; title: string }[];
  readonly url: () => string;
}

const MAX_BODY = 16 * 1024 * 1024;

/** Where a 404 sends people. */
export const NOT_FOUND = 'not found: Socket.IO is at /socket.io/, the control API at /_mock/ (GET /_mock lists it), the playground at /_mock/playground/';

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

/** A JSON route: the handler's result is the 200 body. */
function json(method: Method, path: string, answer: (request: IncomingMessage, q: (name: string) => string | undefined, params: Readonly<Record<string, string>>) => unknown): Route {
  return {
    method,
    path,
    async handle(request, response, params, url) {
      sendJson(response, 200, await answer(request, (name) => url.searchParams.get(name) ?? undefined, params));
    },
  };
}

/** The control API's routes (`/_mock/…`), on the project's one HTTP layer. */
export function controlRoutes(deps: ControlDeps): Route[] {
  const { protocol, chatter } = deps;
  const ctx = protocol.ctx;
  const index = () => ({
    protocol: protocol.name,
    title: ctx.spec.model.title,
    url: deps.url(),
    playground: `${deps.url()}/_mock/playground/`,
    namespaces: [...protocol.namespaces.keys()],
    settings: ctx.settings,
    state: ctx.store.summary(),
    pools: protocol.poolsReady ? 'ready' : 'warming',
    endpoints: routes.filter((r) => r.path !== '/_mock/').map((r) => `${r.method} ${r.path}`),
  });
  const configure = async (request: IncomingMessage) => {
    const body = await readJson(request, MAX_BODY);
    if (body.latency !== undefined) ctx.settings.latency = num(body.latency, 'latency', 0, 60_000);
    if (body.drop !== undefined) ctx.settings.drop = num(body.drop, 'drop', 0, 1);
    if (body.fill !== undefined) ctx.settings.fill = num(body.fill, 'fill', 0, 50);
    if (body.stateless !== undefined) ctx.settings.stateless = body.stateless === true;
    if (body.chatter !== undefined) chatter.setRate(num(body.chatter, 'chatter', 0, 1000));
    return ctx.settings;
  };

  const routes: Route[] = [
    json('GET', '/_mock', index),
    json('GET', '/_mock/', index),
    json('GET', '/_mock/mocks', () => deps.mocks()),
    json('GET', '/_mock/protocol', () => describe(protocol)),
    json('GET', '/_mock/sockets', () => protocol.sockets()),
    json('GET', '/_mock/users', () => protocol.users()),
    json('GET', '/_mock/config', () => ctx.settings),
    json('PUT', '/_mock/config', configure),
    json('PATCH', '/_mock/config', configure),
    json('POST', '/_mock/config', configure),
    json('POST', '/_mock/reset', () => {
      protocol.reset();
      return { reset: true, seed: ctx.settings.seed };
    }),
    json('POST', '/_mock/seed', async (request) => {
      const body = await readJson(request, MAX_BODY);
      const seed = num(body.seed, 'seed', 0, 2 ** 32 - 1);
      let now: number | null | undefined;
      if (body.now === null || body.now === 'real') now = null;
      else if (body.now !== undefined) {
        now = typeof body.now === 'number' ? body.now : Date.parse(String(body.now));
        if (Number.isNaN(now)) throw new HttpError(400, 'now must be an ISO time, a number of ms, or "real"');
      }
      protocol.reseed(Math.floor(seed), now);
      return { seed: ctx.settings.seed, now: ctx.settings.now === undefined ? 'real' : new Date(ctx.settings.now).toISOString() };
    }),
    json('GET', '/_mock/token', (_request, q) => {
      const user = q('user');
      if (!user) throw new HttpError(400, 'user is required (GET /_mock/token?user=u-ada)');
      const ns = protocol.namespace(q('namespace'));
      const claims = claimsFor(ns.model, userIdParam(protocol, user), { role: q('role'), name: q('name') });
      return { token: mockToken(claims), claims };
    }),
    json('POST', '/_mock/emit', async (request) => {
      const body = await readJson(request, MAX_BODY);
      if (typeof body.event !== 'string') throw new HttpError(400, 'event is required');
      return protocol.emit({
        namespace: typeof body.namespace === 'string' ? body.namespace : undefined,
        event: body.event,
        payload: body.payload,
        to: (body.to ?? 'namespace') as EmitTo,
        params: (body.params ?? undefined) as Record<string, string> | undefined,
        allowInvalid: body.allowInvalid === true,
      });
    }),
    json('GET', '/_mock/fake', (_request, q) => {
      const event = q('event');
      if (!event) throw new HttpError(400, 'event is required');
      const ns = protocol.namespace(q('namespace'));
      const user = q('user');
      const key = user ? protocol.userKey(userIdParam(protocol, user), q('role')) : undefined;
      if ((q('direction') ?? 'client') === 'server') {
        const found = protocol.serverEvent(ns.model, event);
        if (!found) throw new HttpError(404, `unknown server event '${event}'`);
        return { event: found.wire, payload: protocol.fakeServerPayload(ns, found.event, key) };
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
      return { event: e.name, payload: payload ?? {} };
    }),
    json('POST', '/_mock/validate', async (request) => {
      const body = await readJson(request, MAX_BODY);
      const ns = protocol.namespace(typeof body.namespace === 'string' ? body.namespace : undefined);
      const direction = body.direction === 'client' ? 'client' : 'server';
      if (typeof body.event !== 'string') throw new HttpError(400, 'event is required');
      const problems = ctx.spec.validate(ns.path, direction, body.event, body.payload);
      return { valid: problems.length === 0, problems };
    }),
    json('POST', '/_mock/chatter', async (request) => {
      const body = await readJson(request, MAX_BODY);
      const users = body.user !== undefined ? [protocol.userKey(userIdParam(protocol, String(body.user)), typeof body.role === 'string' ? body.role : undefined)] : protocol.connectedUsers();
      const action = typeof body.action === 'string' ? (body.action as 'message' | 'typing' | 'read' | 'presence') : undefined;
      return { done: users.map((u) => ({ user: u, action: chatter.act(u, action) ?? null })) };
    }),
    json('GET', '/_mock/state', () => state(protocol)),
    {
      method: 'GET',
      path: '/_mock/media/:id',
      handle(_request, response, params) {
        const item = ctx.store.media.get(params.id!);
        if (!item) throw new HttpError(404, 'no such media');
        response.writeHead(200, { 'content-type': item.mimeType, 'content-length': item.bytes.byteLength });
        response.end(Buffer.from(item.bytes));
      },
    },
  ];
  return routes;
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
