/**
 * Users: one per (realm, external id), profiles refreshed from the latest claims, and bare
 * users created for ids named in requests.
 */
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { describeEachBackend, useCore } from '../storage/backends.js';

const realm = () => `users-${randomBytes(4).toString('hex')}`;

describeEachBackend('users', (backend) => {
  const core = useCore(backend);

  it('creates a user, then updates the profile from later claims (undefined keeps, null clears)', async () => {
    const r = realm();
    const created = await core().upsertUser({
      realm: r,
      externalId: 'u-ada',
      name: 'Ada',
      email: 'ada@example.com',
      picture: 'https://example.com/a.png',
    });
    expect(created).toMatchObject({
      realm: r,
      externalId: 'u-ada',
      name: 'Ada',
      email: 'ada@example.com',
      picture: 'https://example.com/a.png',
    });
    const renamed = await core().upsertUser({ realm: r, externalId: 'u-ada', name: 'Ada Lovelace', picture: null });
    expect(renamed).toMatchObject({ id: created.id, name: 'Ada Lovelace', email: 'ada@example.com', picture: null });
    expect(renamed.createdAt).toEqual(created.createdAt);
  });

  it('keeps realms apart: the same external id in two realms is two users', async () => {
    const id = randomBytes(4).toString('hex');
    const customer = await core().upsertUser({ realm: 'marketplace:customer', externalId: id });
    const vendor = await core().upsertUser({ realm: 'marketplace:vendor', externalId: id });
    expect(customer.id).not.toBe(vendor.id);
    expect(await core().findUser('marketplace:vendor', id)).toEqual(vendor);
  });

  it('creates a user once when two sockets connect at the same time', async () => {
    const r = realm();
    const users = await Promise.all(
      Array.from({ length: 6 }, (_, i) => core().upsertUser({ realm: r, externalId: 'same', name: `n${i}` })),
    );
    expect(new Set(users.map((u) => u.id)).size).toBe(1);
  });

  it('ensures users named in a request, keeping profiles of known ones', async () => {
    const r = realm();
    const known = await core().upsertUser({ realm: r, externalId: '2', name: 'Known' });
    const users = await core().ensureUsers(r, ['2', '3', '3']);
    expect([...users.keys()].sort()).toEqual(['2', '3']);
    expect(users.get('2')).toEqual(known);
    expect(users.get('3')).toMatchObject({ externalId: '3', name: null, email: null, picture: null });
    expect(await core().ensureUsers(r, [])).toEqual(new Map());
  });

  it.each([
    ['an empty realm', { realm: '', externalId: 'x' }],
    ['an empty external id', { realm: 'r', externalId: '' }],
    ['an external id over 64 characters', { realm: 'r', externalId: 'x'.repeat(65) }],
    ['a name over 200 characters', { realm: 'r', externalId: 'x', name: 'n'.repeat(201) }],
  ])('refuses %s', async (_name, profile) => {
    await expect(core().upsertUser(profile)).rejects.toMatchObject({ kind: 'invalidPayload' });
  });
});
