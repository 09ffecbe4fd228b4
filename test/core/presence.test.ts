/**
 * Presence: online while any socket is connected; first and last socket are reported; the
 * core's presence operations are counted in flight like its others.
 */
import { describe, expect, it } from 'vitest';
import { ChatCore } from '../../src/core/chat-core.js';
import { MemoryPresenceStore, type PresenceStore } from '../../src/core/presence.js';
import { openDatabase } from '../../src/storage/database.js';

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

describe('presence through the core', () => {
  it('counts presence operations in flight: close waits for them, then closes the store; later ones are refused', async () => {
    const order: string[] = [];
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const memory = new MemoryPresenceStore();
    const slow: PresenceStore = {
      add: async (user, socket) => {
        await gate;
        order.push('add');
        return memory.add(user, socket);
      },
      remove: (user, socket) => memory.remove(user, socket),
      isOnline: (user) => memory.isOnline(user),
      onlineAmong: (users) => memory.onlineAmong(users),
      close: async () => void order.push('presence closed'),
    };
    const core = new ChatCore(await openDatabase('sqlite::memory:'), { presence: slow });
    const connected = core.socketConnected('u1', 's1');
    const closing = core.close().then(() => order.push('core closed'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(order).toEqual([]); // still waiting for the add
    release();
    expect(await connected).toBe(true);
    await closing;
    expect(order).toEqual(['add', 'presence closed', 'core closed']);
    await expect(core.socketDisconnected('u1', 's1')).rejects.toMatchObject({ name: 'DatabaseClosedError' });
  });
});
