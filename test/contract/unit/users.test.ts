/**
 * The runner's users (src/contract/users.ts): the shape of their ids, read from each spec's token
 * claims, fresh ids of that shape that the spec's own user id schema accepts, and roles where
 * the spec has them (marketplace's customers and vendors).
 */
import { describe, expect, it } from 'vitest';
import { createAjv } from '../../../src/spec/ajv.js';
import type { ProtocolModel } from '../../../src/spec/model.js';
import { rolesOf, UserFactory, userIdShape } from '../../../src/contract/users.js';
import { loadSpec, type Protocol } from '../../helpers/specs.js';

const models = {
  messenger: loadSpec('messenger').model,
  rooms: loadSpec('rooms').model,
  marketplace: loadSpec('marketplace').model,
  teamchat: loadSpec('teamchat').model,
} satisfies Record<Protocol, ProtocolModel>;

/** A variant of messenger whose `UserId` (the `sub` claim's schema) is replaced. */
const withUserId = (schema: Record<string, unknown>): ProtocolModel => ({ ...models.messenger, schemas: { ...models.messenger.schemas, UserId: schema } });

/** Messenger without a JWT handshake (trust only). */
const withoutJwt: ProtocolModel = {
  ...models.messenger,
  namespaces: models.messenger.namespaces.map((ns) => ({ ...ns, socketio: { ...ns.socketio, handshake: { ...ns.socketio.handshake, jwt: undefined } } })),
};

/** Validates a value against a component schema of a model, with the project's ajv. */
function schemaCheck(model: ProtocolModel, name: string): (value: unknown) => boolean {
  const ajv = createAjv();
  ajv.addSchema({ $id: 'spec', components: { schemas: model.schemas } }, 'spec');
  const validate = ajv.compile({ $ref: `spec#/components/schemas/${name}` });
  return (value) => validate(value) as boolean;
}

// What each spec's claims say of user ids (read from TokenClaims): the claim path, the schema
// it references, and the shape the runner should draw. Rooms' documents show ObjectIds, but its
// `UserId` schema is any string of `[A-Za-z0-9_.:-]`, so a plain string is what it asks for.
const SPECS: [Protocol, { claim: string; schema: string; shape: string; first: string | number; pattern: RegExp }][] = [
  ['messenger', { claim: 'sub', schema: 'UserId', shape: 'string', first: 'uf04h', pattern: /^u[0-9a-z]+$/ }],
  ['rooms', { claim: 'sub', schema: 'UserId', shape: 'string', first: 'uf04h', pattern: /^u[0-9a-z]+$/ }],
  ['marketplace', { claim: 'data.id', schema: 'UserId', shape: 'integer', first: 700_001, pattern: /^\d+$/ }],
  ['teamchat', { claim: 'sub', schema: 'Id', shape: 'string', first: 'uf04h', pattern: /^u[0-9a-z]+$/ }],
];

describe('userIdShape', () => {
  it.each(SPECS)('%s: %o', (protocol, want) => {
    const model = models[protocol];
    expect(model.namespaces.map((ns) => ns.socketio.handshake.jwt?.userId)).toContain(want.claim);
    expect(userIdShape(model)).toBe(want.shape);
  });

  const variants: [string, { model: ProtocolModel; want: string }][] = [
    ['an integer', { model: withUserId({ type: 'integer', minimum: 1 }), want: 'integer' }],
    ['a number', { model: withUserId({ type: 'number' }), want: 'integer' }],
    ['24 hex digits: an ObjectId', { model: withUserId({ type: 'string', pattern: '^[0-9a-f]{24}$' }), want: 'objectId' }],
    ['24 hex digits, either case', { model: withUserId({ type: 'string', pattern: '^[0-9A-Fa-f]{24}$' }), want: 'objectId' }],
    ['a UUID', { model: withUserId({ type: 'string', format: 'uuid' }), want: 'uuid' }],
    ['24 characters, not hex', { model: withUserId({ type: 'string', pattern: '^[A-Z]{24}$' }), want: 'string' }],
    ['a free string', { model: withUserId({ type: 'string', maxLength: 64 }), want: 'string' }],
    ['no JWT handshake at all', { model: withoutJwt, want: 'string' }],
  ];
  it.each(variants)('a user id claim of %s', (_name, { model, want }) => {
    expect(userIdShape(model)).toBe(want);
  });
});

describe('UserFactory ids', () => {
  it.each(SPECS)('%s: distinct, of the shape, valid against the spec', (protocol, want) => {
    const model = models[protocol];
    const valid = schemaCheck(model, want.schema);
    const make = new UserFactory(model, 700);
    const users = Array.from({ length: 200 }, (_, i) => make.user(`u${i}`));
    const ids = users.map((u) => u.id);
    expect(new Set(ids.map(String)).size).toBe(200);
    expect(ids[0]).toBe(want.first);
    for (const id of ids) {
      expect(typeof id).toBe(want.shape === 'integer' ? 'number' : 'string');
      expect(String(id)).toMatch(want.pattern);
      expect(valid(id), `${String(id)} against ${want.schema}`).toBe(true);
    }
  });

  const shaped: [string, { model: ProtocolModel; first: string | number; pattern: RegExp }][] = [
    ['objectId', { model: withUserId({ type: 'string', pattern: '^[0-9a-f]{24}$' }), first: '0000000000000000000aae61', pattern: /^[0-9a-f]{24}$/ }],
    ['uuid', { model: withUserId({ type: 'string', format: 'uuid' }), first: '00000000-0000-4000-8000-0000000aae61', pattern: /^00000000-0000-4000-8000-[0-9a-f]{12}$/ }],
  ];
  it.each(shaped)('%s ids: distinct, of the shape, valid against the schema', (_shape, { model, first, pattern }) => {
    const valid = schemaCheck(model, 'UserId');
    const make = new UserFactory(model, 700);
    const ids = Array.from({ length: 100 }, (_, i) => make.user(`u${i}`).id);
    expect(ids[0]).toBe(first);
    expect(new Set(ids).size).toBe(100);
    for (const id of ids) {
      expect(id).toMatch(pattern);
      expect(valid(id)).toBe(true);
    }
  });

  it.each(SPECS)('%s: the same start gives the same users, another start other ones', (protocol) => {
    const draw = (start: number) => {
      const make = new UserFactory(models[protocol], start);
      return Array.from({ length: 20 }, (_, i) => make.user(`u${i}`).id);
    };
    expect(draw(7)).toEqual(draw(7));
    const other = new Set(draw(8).map(String));
    expect(draw(7).filter((id) => other.has(String(id)))).toEqual([]);
  });

  it('marketplace: runs 10,000 ms apart draw other ids', () => {
    const draw = (start: number) => {
      const make = new UserFactory(models.marketplace, start);
      return Array.from({ length: 5 }, (_, i) => make.user(`u${i}`).id);
    };
    const other = new Set(draw(10_007));
    expect(draw(7).filter((id) => other.has(id))).toEqual([]);
  });
});

describe('roles', () => {
  it('rolesOf: marketplace has customer, vendor (and admin on /presence); the others none', () => {
    expect(rolesOf(models.marketplace)).toEqual({ attribute: 'type', allowed: ['customer', 'vendor', 'admin'], counterpart: { customer: 'vendor', vendor: 'customer' } });
    expect(rolesOf(models.messenger)).toBeUndefined();
    expect(rolesOf(models.rooms)).toBeUndefined();
    expect(rolesOf(models.teamchat)).toBeUndefined();
  });

  const users: [string, { protocol: Protocol; role?: string; want: { id: string | number; role?: string; key: string; attributes: Record<string, unknown> } }][] = [
    ['marketplace, no role asked: the first allowed (customer)', { protocol: 'marketplace', want: { id: 700_001, role: 'customer', key: 'customer:700001', attributes: { type: 'customer' } } }],
    ['marketplace, a vendor', { protocol: 'marketplace', role: 'vendor', want: { id: 700_001, role: 'vendor', key: 'vendor:700001', attributes: { type: 'vendor' } } }],
    ['marketplace, an admin', { protocol: 'marketplace', role: 'admin', want: { id: 700_001, role: 'admin', key: 'admin:700001', attributes: { type: 'admin' } } }],
    ['messenger: no roles, the key is the id', { protocol: 'messenger', want: { id: 'uf04h', role: undefined, key: 'uf04h', attributes: {} } }],
    ['messenger: a role asked for is ignored', { protocol: 'messenger', role: 'vendor', want: { id: 'uf04h', role: undefined, key: 'uf04h', attributes: {} } }],
    ['teamchat', { protocol: 'teamchat', want: { id: 'uf04h', role: undefined, key: 'uf04h', attributes: {} } }],
  ];
  it.each(users)('%s', (_name, { protocol, role, want }) => {
    const user = new UserFactory(models[protocol], 700).user('ada', role);
    expect(user).toEqual({ label: 'ada', ...want });
  });

  const counterparts: [Protocol, string | undefined, string | undefined][] = [
    ['marketplace', 'customer', 'vendor'],
    ['marketplace', 'vendor', 'customer'],
    // No counterpart is declared for admins: the role itself.
    ['marketplace', 'admin', 'admin'],
    ['marketplace', undefined, undefined],
    ['messenger', 'customer', undefined],
    ['rooms', undefined, undefined],
  ];
  it.each(counterparts)('%s: the counterpart of %s is %s', (protocol, role, want) => {
    expect(new UserFactory(models[protocol], 700).counterpartRole(role)).toBe(want);
  });

  it('marketplace: a customer and their counterpart, keys role:id with distinct ids', () => {
    const make = new UserFactory(models.marketplace, 300);
    const ada = make.user('ada');
    const bob = make.user('bob', make.counterpartRole(ada.role));
    const cy = make.user('cy', ada.role);
    expect([ada.key, bob.key, cy.key]).toEqual(['customer:300001', 'vendor:300002', 'customer:300003']);
    expect([ada.attributes, bob.attributes, cy.attributes]).toEqual([{ type: 'customer' }, { type: 'vendor' }, { type: 'customer' }]);
  });
});
