/**
 * Seeded and reproducible: the same seed (and fixed clock) and the same client actions give
 * identical sessions; another seed gives other data. Generated payloads, for every server event
 * of every spec over many seeds, validate and look real.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { examplesByComponent } from '../../mock-server/spec/examples.js';
import { PayloadFactory } from '../../mock-server/payloads/generator.js';
import { Random } from '../../mock-server/state/random.js';
import { learnIdShapes, Realism } from '../../mock-server/payloads/realism.js';
import { SchemaIndex } from '../../mock-server/spec/schemas.js';
import { SchemaChecker } from '../../mock-server/spec/validation.js';
import { loadSpec } from '../helpers/specs.js';
import { closeSessions, Session, VALIDATORS, type Protocol } from './helpers.js';

afterEach(closeSessions);

/** One scripted session of rooms with fill and chatter actions: everything recorded, in order. */
async function roomsSession(seed: number): Promise<Record<string, unknown[]>> {
  const s = await Session.start('rooms', { seed, fill: 2 });
  const nitesh = { user_id: '61010d7ce4c9786a417b4112', email: 'n@example.com', name: 'Nitesh' };
  const ravi = { user_id: '61010d7ce4c9786a417b4113', email: 'r@example.com', name: 'Ravi' };
  await s.connect('n', nitesh.user_id);
  await s.connect('r', ravi.user_id);
  await s.send('n', 'get_chats', { user: nitesh });
  await s.send('n', 'new_room_create', { name: 'Design', participants: [ravi], user: nitesh, is_group: true });
  const room = s.last<{ channel: { _id: string } }>('n', 'add_room').channel._id;
  await s.send('r', 'new_message', { room, message_body: 'Hello', type: 'USER_TEXT_MESSAGE', user: ravi });
  s.mock.chatter.act(s.mock.protocol.userKey(nitesh.user_id), 'message');
  s.mock.chatter.act(s.mock.protocol.userKey(nitesh.user_id), 'typing');
  await s.send('r', 'get_chats', { user: ravi });
  await s.send('n', 'get_chats', { user: nitesh });
  const out: Record<string, unknown[]> = {};
  for (const [name, peer] of s.peers) out[name] = peer.log.map((r) => [r.event, r.payload]);
  return out;
}

/** One scripted marketplace session: connections, a new chat, lists. */
async function marketplaceSession(seed: number): Promise<Record<string, unknown[]>> {
  const s = await Session.start('marketplace', { seed, fill: 2 });
  await s.connect('cp', 2, { role: 'customer', namespace: '/presence' });
  await s.connect('c', 2, { role: 'customer', namespace: '/chat' });
  await s.connect('vp', 5, { role: 'vendor', namespace: '/presence' });
  await s.connect('v', 5, { role: 'vendor', namespace: '/chat' });
  await s.send('c', 'sendMessage', { productId: '42', recipientId: 5, text: 'Hi' });
  await s.send('v', 'getUserChats', {});
  const out: Record<string, unknown[]> = {};
  for (const [name, peer] of s.peers) out[name] = peer.log.map((r) => [r.event, r.payload]);
  return out;
}

describe('determinism', () => {
  it('the same seed and the same actions give identical sessions, timestamps included', async () => {
    const [a, b] = [await roomsSession(7), await roomsSession(7)];
    expect(a.n!.length).toBeGreaterThan(5);
    expect(b).toEqual(a);
    expect(await marketplaceSession(3)).toEqual(await marketplaceSession(3));
  });

  it('another seed gives other data', async () => {
    const [a, b] = [await roomsSession(7), await roomsSession(8)];
    // The same sequence (a fake peer's typing may start or end: a random choice too), other data.
    expect(b.n!.map((e) => String((e as unknown[])[0]).replace(/_(start|end)_/, '_'))).toEqual(a.n!.map((e) => String((e as unknown[])[0]).replace(/_(start|end)_/, '_')));
    expect(b).not.toEqual(a);
  });
});

const OBJECT_ID = /^[0-9a-f]{24}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/;

describe('generated payloads', () => {
  it.each([
    ['messenger', true],
    ['rooms', true],
    ['marketplace', true],
    ['teamchat', true],
    ['messenger', false],
    ['rooms', false],
    ['marketplace', false],
    ['teamchat', false],
  ] as const)('%s (examples: %s): every server and client event, many seeds, valid against the generated validators', (protocol, useExamples) => {
    const { model } = loadSpec(protocol);
    const index = new SchemaIndex(model);
    const examples = examplesByComponent(model, index);
    const realism = new Realism(learnIdShapes(examples), () => Date.parse('2025-03-01T10:00:00Z'));
    const checker = new SchemaChecker(model);
    const validate = VALIDATORS[protocol as Protocol];
    let checked = 0;
    // Generating everything (no examples) is slower: 10 seeds of 6 payloads each per event.
    for (let seed = 1; seed <= (useExamples ? 20 : 10); seed++) {
      const factory = new PayloadFactory(index, realism, examples, (schema, value) => checker.check(schema, value).length === 0, seed, { examples: useExamples });
      for (const ns of model.namespaces) {
        for (const event of ns.events) {
          const key = factory.forEvent(event, ns.path, (p) => validate(ns.path, event.direction, event.name, p).length === 0);
          const pool = factory.pool(key);
          expect(pool.length, `${event.direction} ${event.name}`).toBeGreaterThan(0);
          const payload = factory.sample(key, new Random(seed));
          const name = event.name.replace('{userId}', 'u1');
          expect(validate(ns.path, event.direction, name, payload), `${event.direction} ${event.name} seed ${seed}`).toEqual([]);
          checked++;
        }
      }
      // Entities too (what lists are filled with).
      for (const entity of Object.keys(model.entities)) {
        const schema = { $ref: `#/components/schemas/${entity}` };
        const value = factory.sample(factory.forSchema(schema), new Random(seed));
        expect(checker.check(schema, value), `${entity} seed ${seed}`).toEqual([]);
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('generated values look real: names, ISO times, https URLs, ids of the spec\'s shape', () => {
    const { model } = loadSpec('teamchat');
    const index = new SchemaIndex(model);
    const examples = examplesByComponent(model, index);
    const shapes = learnIdShapes(examples);
    expect(shapes.get('Id')).toEqual({ kind: 'objectId' });
    const realism = new Realism(shapes, () => Date.parse('2025-03-01T10:00:00Z'));
    const checker = new SchemaChecker(model);
    // A schema with no examples at all: json-schema-faker with realistic values.
    const factory = new PayloadFactory(index, realism, new Map(), (schema, value) => checker.check(schema, value).length === 0, 5);
    const rooms = factory.pool(factory.forSchema({ $ref: '#/components/schemas/Room' })) as Record<string, unknown>[];
    for (const room of rooms) {
      expect(room._id).toMatch(OBJECT_ID);
      expect(room.dateCreated).toMatch(ISO);
      expect(Date.parse(String(room.dateCreated))).toBeLessThanOrEqual(Date.parse('2025-03-01T10:00:00Z'));
      for (const id of room.recipients as string[]) expect(id).toMatch(OBJECT_ID);
      if (room.image_url) expect(room.image_url).toMatch(/^https:\/\//);
    }
    const messages = factory.pool(factory.forSchema({ $ref: '#/components/schemas/Message' })) as Record<string, unknown>[];
    for (const m of messages) {
      if (m.first_name) expect(m.first_name).toMatch(/^[A-Z][a-z'-]+/);
      for (const a of m.attachments as { url: string }[]) expect(a.url).toMatch(/^https:\/\//);
    }
    // Messenger's user ids look like its examples (`u-ada`), marketplace's are integers.
    const messenger = loadSpec('messenger').model;
    const mShapes = learnIdShapes(examplesByComponent(messenger, new SchemaIndex(messenger)));
    expect(mShapes.get('UserId')).toEqual({ kind: 'prefixedWord', prefix: 'u-' });
    expect(mShapes.get('StoredId')).toEqual({ kind: 'objectId' });
    const marketplace = loadSpec('marketplace').model;
    expect(learnIdShapes(examplesByComponent(marketplace, new SchemaIndex(marketplace))).get('UserId')).toEqual({ kind: 'integer' });
  });
});
