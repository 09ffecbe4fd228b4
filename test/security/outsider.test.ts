/**
 * An outsider against every client event that names a conversation or a message: Alice and Bob
 * share a conversation holding a message of Alice's; Eve, authenticated as herself, sends each
 * such event naming it (its id, or the message's, with Bob as the counterpart where the payload
 * names one). The events and the fields to aim are read from the spec (conversation refs by
 * `id`, the `messageInConversation` and `messageSender` guards, `actor`): a new event of that
 * kind is attacked without a line here.
 *
 * Each attempt must be refused with the protocol's error event, 403 or 404, to Eve alone, without
 * quoting the conversation's content; Alice and Bob, connected and in their conversations'
 * rooms, receive nothing; nothing is stored or changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPath, setPath, type Path } from '../../src/spec/paths.js';
import type { ChatCore } from '../../src/core/chat-core.js';
import { actorPaths, type EventModel, type NamespaceModel } from '../../src/spec/model.js';
import { asList } from '../../src/spec/vocabulary.js';
import { startTestServer, type TestProtocolServer } from '../helpers/servers.js';
import { loadSpec, PROTOCOLS, type Protocol, validPayload } from '../helpers/specs.js';
import { sqliteBackend } from '../storage/backends.js';
import { connectTo, errorReader, settle, storeSnapshot, type SpecClient } from './spec-clients.js';
import { requestPath } from '../../src/behaviour/index.js';

const SECRET = 'the launch code is 0000';

interface Party {
  /** The user's id on the wire. */
  readonly id: string;
  /** Their role, for protocols whose tokens carry one. */
  readonly role?: string;
}

interface World {
  readonly alice: Party;
  readonly bob: Party;
  readonly eve: Party;
  /** Alice and Bob's conversation, with a message of Alice's: created through the core. */
  create(core: ChatCore): Promise<{ conversation: string; message: string; scope: string[] }>;
}

async function withMessage(core: ChatCore, conversation: string, sender: string, scope: string[] = []) {
  const { message } = await core.storeMessage({ conversationId: conversation, senderId: sender, text: SECRET });
  return { conversation, message: message.id, scope };
}

const hex = (n: number) => n.toString(16).padStart(24, '0');

/** A group of Alice and Bob in a realm whose users are 24-hex ids. */
function groupIn(realm: string): World['create'] {
  return async (core) => {
    const users = await core.ensureUsers(realm, [hex(0xa11ce), hex(0xb0b)]);
    const { conversation } = await core.createGroup({ creatorId: users.get(hex(0xa11ce))!.id, name: 'Alice and Bob', memberIds: [users.get(hex(0xb0b))!.id] });
    return withMessage(core, conversation.id, users.get(hex(0xa11ce))!.id);
  };
}

const WORLDS: Record<Protocol, World> = {
  messenger: {
    alice: { id: 'u-alice' },
    bob: { id: 'u-bob' },
    eve: { id: 'u-eve' },
    async create(core) {
      const users = await core.ensureUsers('messenger', ['u-alice', 'u-bob']);
      const { conversation } = await core.openDirect(users.get('u-alice')!.id, users.get('u-bob')!.id, { create: true });
      return withMessage(core, conversation.id, users.get('u-alice')!.id);
    },
  },
  rooms: {
    alice: { id: hex(0xa11ce) },
    bob: { id: hex(0xb0b) },
    eve: { id: hex(0xe5e) },
    create: groupIn('rooms'),
  },
  marketplace: {
    alice: { id: '7101', role: 'customer' },
    bob: { id: '7102', role: 'vendor' },
    eve: { id: '7103', role: 'customer' },
    async create(core) {
      const [alice] = (await core.ensureUsers('marketplace:customer', ['7101'])).values();
      const [bob] = (await core.ensureUsers('marketplace:vendor', ['7102'])).values();
      const { conversation } = await core.openProductChat({ customerId: alice!.id, vendorId: bob!.id, productId: '4242', create: true });
      return withMessage(core, conversation.id, alice!.id, ['4242']);
    },
  },
  teamchat: {
    alice: { id: hex(0xa11ce) },
    bob: { id: hex(0xb0b) },
    eve: { id: hex(0xe5e) },
    create: groupIn('teamchat'),
  },
};

/** Where an event names a conversation or a message, from its reaction in the spec. */
function aims(event: EventModel): { conversation: Path[]; message: Path[]; counterpart: Path[]; scope: Path[] } {
  const refs = asList(event.reaction?.conversation);
  const guards = (event.reaction?.guards ?? []).map((g) => (typeof g === 'object' && 'check' in g ? g.check : g));
  const paths = (exprs: unknown[]) => exprs.map(requestPath).filter((p): p is (string | number)[] => p !== undefined);
  return {
    conversation: paths(refs.flatMap((r) => ('id' in r ? [r.id] : []))),
    message: paths(guards.flatMap((g) => (typeof g === 'object' && 'messageInConversation' in g ? [g.messageInConversation] : typeof g === 'object' && 'messageSender' in g ? [g.messageSender] : []))),
    counterpart: paths(refs.flatMap((r) => ('participants' in r ? asList(r.participants) : []))),
    scope: paths(refs.flatMap((r) => ('scope' in r ? (r.scope ?? []) : []))),
  };
}

/** Sets a path the valid payload has, keeping the type of the value it replaces (an id may be a number). */
function aim(payload: unknown, path: Path, value: string, always = false): void {
  const current = getPath(payload, path);
  if (current === undefined && !always) return;
  setPath(payload as Record<string, unknown>, path, typeof current === 'number' ? Number(value) : value);
}

describe.each(PROTOCOLS)('%s: an outsider against every event that names a conversation', (protocol) => {
  const { model } = loadSpec(protocol);
  const world = WORLDS[protocol];
  const backend = sqliteBackend();
  let server: TestProtocolServer;
  let target: Awaited<ReturnType<World['create']>>;
  beforeAll(async () => {
    server = await startTestServer(protocol, backend, { flowControl: false });
    target = await world.create(server.core);
  });
  afterAll(async () => {
    await server?.close();
    await backend.cleanup();
  });

  const events = model.namespaces.flatMap((ns) =>
    ns.events
      .filter((e) => e.direction === 'client')
      .filter((e) => aims(e).conversation.length + aims(e).message.length > 0)
      .map((e) => [`${ns.path} ${e.name}`, ns, e] as const),
  );

  it('has such events', () => expect(events.length).toBeGreaterThan(0));

  /** Connects a user and, where the namespace has an event joining one's conversations, sends it. */
  async function member(ns: NamespaceModel, party: Party): Promise<SpecClient> {
    const client = await connectTo(server, model, ns, party.id, party.role);
    for (const join of ns.events.filter((e) => e.direction === 'client' && e.reaction?.effect === 'joinConversations')) {
      const payload = structuredClone(validPayload(protocol, ns, join));
      for (const path of actorPaths(join)) aim(payload, path, party.id, true);
      client.socket.emit(join.name, payload);
    }
    return client;
  }

  it.each(events)('%s: refused (403/404), nothing reaches the participants, nothing changes', async (_name, ns: NamespaceModel, event: EventModel) => {
    const errors = errorReader(model, ns);
    const [alice, bob, eve] = [await member(ns, world.alice), await member(ns, world.bob), await member(ns, world.eve)];
    // Each one's connecting may send something to the others (delivery receipts, presence): let it pass.
    for (const c of [alice, bob, eve]) await settle(c, errors);
    for (const c of [alice, bob, eve]) c.log.length = 0;
    try {
      const payload = structuredClone(validPayload(protocol, ns, event));
      const where = aims(event);
      for (const path of where.conversation) aim(payload, path, target.conversation, true);
      for (const path of where.message) aim(payload, path, target.message, true);
      for (const path of actorPaths(event)) aim(payload, path, world.eve.id);
      for (const path of where.counterpart.filter((p) => !actorPaths(event).some((a) => a.join('.') === p.join('.')))) aim(payload, path, world.bob.id);
      where.scope.forEach((path, i) => aim(payload, path, target.scope[i] ?? ''));
      const before = await storeSnapshot(server);

      eve.socket.emit(event.name, payload);
      const answered = await settle(eve, errors);
      for (const c of [alice, bob]) await settle(c, errors);

      expect(answered, 'exactly one answer before the barrier').toBe(1);
      const [answer] = eve.log;
      expect({ event: answer!.event, status: errors.status(answer!.payload), for: errors.eventOf(answer!.payload) }).toEqual({ event: errors.event, status: expect.toBeOneOf([403, 404]), for: event.name });
      expect(JSON.stringify(answer!.payload)).not.toContain(SECRET);
      for (const c of [alice, bob]) expect(c.log.filter((r) => !String(errors.eventOf(r.payload) ?? '').startsWith('parley-barrier-'))).toEqual([]);
      expect(await storeSnapshot(server)).toBe(before);
    } finally {
      [alice, bob, eve].forEach((c) => c.close());
    }
  });
});
