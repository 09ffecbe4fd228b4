/** The adapter's pure parts: the per-user queue, and core objects as wire payloads. */
import { describe, expect, it } from 'vitest';
import { KeyedQueue } from '../../src/marketplace/keyed-queue.js';
import { chatMetadataOf, wireMedia } from '../../src/marketplace/wire.js';
import { counterpartOf, roleOfRealm, userKey } from '../../src/marketplace/identity.js';
import type * as T from '../../generated/marketplace/types.js';

describe('KeyedQueue', () => {
  it('runs the work of one key in order, whatever each takes', async () => {
    const queue = new KeyedQueue();
    const done: string[] = [];
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const first = queue.run('a', async () => {
      await slow;
      done.push('a1');
    });
    const second = queue.run('a', async () => void done.push('a2'));
    const other = queue.run('b', async () => void done.push('b1'));
    await other;
    expect(done).toEqual(['b1']); // another key does not wait
    release();
    await Promise.all([first, second]);
    expect(done).toEqual(['b1', 'a1', 'a2']);
  });

  it('goes on after a failure, which reaches only its own caller', async () => {
    const queue = new KeyedQueue();
    const failed = queue.run('a', async () => {
      throw new Error('boom');
    });
    const next = queue.run('a', async () => 'next');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
  });
});

describe('marketplace wire mapping', () => {
  const base: T.SendMessagePayload = { productId: '12345', recipientId: 2, text: 'hi' };
  it.each([
    [
      'every field left out: empty strings, null pictures',
      base,
      { productId: '12345', productName: '', productPrice: '', productImageUrl: '', storeName: '', storeLogoUrl: null, customerName: '', customerProfilePic: null },
    ],
    [
      'fields given: kept as sent',
      { ...base, productName: 'Mac', productPrice: '2334', storeLogoUrl: null, customerProfilePic: 'https://example.com/p.jpg' },
      { productId: '12345', productName: 'Mac', productPrice: '2334', productImageUrl: '', storeName: '', storeLogoUrl: null, customerName: '', customerProfilePic: 'https://example.com/p.jpg' },
    ],
  ])('chat metadata from a first message: %s', (_name, request, want) => {
    expect(chatMetadataOf(request)).toEqual(want);
  });

  const url = (id: string) => `http://127.0.0.1:4300/media/${id}`;
  it.each([
    ['a file stored by the core', { id: 'm1', mimeType: 'image/png', size: 12, sha256: 'x' }, { id: 'm1', imageUrl: url('m1'), size: '12', mimeType: 'image/png' }],
    ['an object of another protocol', { url: 'https://example.com/a.png', name: 'a.png' }, null],
  ])('media: %s', (_name, item, want) => {
    expect(wireMedia(item, url)).toEqual(want);
  });

  it.each([
    ['marketplace:customer', 'customer'],
    ['marketplace:vendor', 'vendor'],
    ['marketplace:admin', 'admin'],
  ] as const)('realm %s is the role %s', (realm, role) => {
    expect(roleOfRealm(realm)).toBe(role);
  });

  it('refuses a realm of another protocol', () => {
    expect(() => roleOfRealm('messenger')).toThrow(/not a marketplace realm/);
  });

  it('pairs customers with vendors, and keys users by role and id', () => {
    expect([counterpartOf('customer'), counterpartOf('vendor')]).toEqual(['vendor', 'customer']);
    expect(userKey('vendor', '2')).not.toBe(userKey('customer', '2'));
  });
});
