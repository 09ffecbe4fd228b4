/**
 * Presence: online while any socket is connected; first and last socket are reported.
 */
import { describe, expect, it } from 'vitest';
import { MemoryPresenceStore, type PresenceStore } from '../../src/core/presence.js';

// Every implementation must pass these; the Redis one will be added to this list.
const STORES: Array<[string, () => PresenceStore]> = [['memory', () => new MemoryPresenceStore()]];

describe.each(STORES)('%s presence store', (_name, make) => {
  it('reports the first socket and the last one, not the ones between', async () => {
    const presence = make();
    expect(await presence.add('u1', 's1')).toBe(true);
    expect(await presence.add('u1', 's2')).toBe(false);
    expect(await presence.isOnline('u1')).toBe(true);
    expect(await presence.remove('u1', 's1')).toBe(false);
    expect(await presence.isOnline('u1')).toBe(true);
    expect(await presence.remove('u1', 's2')).toBe(true);
    expect(await presence.isOnline('u1')).toBe(false);
  });

  it('does not count a socket twice, nor report an unknown socket as going offline', async () => {
    const presence = make();
    expect(await presence.add('u1', 's1')).toBe(true);
    expect(await presence.add('u1', 's1')).toBe(false);
    expect(await presence.remove('u1', 'unknown')).toBe(false);
    expect(await presence.remove('u1', 's1')).toBe(true);
    expect(await presence.remove('u1', 's1')).toBe(false);
    expect(await presence.remove('never', 's')).toBe(false);
  });

  it('tells who is online among several users', async () => {
    const presence = make();
    await presence.add('a', 's1');
    await presence.add('c', 's2');
    expect(await presence.onlineAmong(['a', 'b', 'c', 'a'])).toEqual(new Set(['a', 'c']));
    expect(await presence.onlineAmong([])).toEqual(new Set());
  });
});
