/**
 * The sockets' sessions every adapter keeps: a socket counts its user online from open to
 * close, in the core's presence, and a stopping server's last disconnects are no errors.
 */
import type { Socket } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatCore } from '../../src/core/chat-core.js';
import { SocketSessions } from '../../src/server/sessions.js';
import { openDatabase } from '../../src/storage/database.js';

const socket = (id: string) => ({ id }) as Socket;

describe('SocketSessions', () => {
  let core: ChatCore;
  afterEach(() => core.close());
  const sessions = async () => {
    core = new ChatCore(await openDatabase('sqlite::memory:'));
    return new SocketSessions<{ userId: string; name: string }>(core, (s) => s.userId);
  };

  it('counts each socket of a user: the first comes online, the last goes offline', async () => {
    const registry = await sessions();
    const [a, b] = [socket('s1'), socket('s2')];
    const ada = { userId: 'u-ada', name: 'Ada' };
    expect(registry.get(a)).toBeUndefined();
    expect(await registry.open(a, ada)).toBe(true);
    expect(await registry.open(b, ada)).toBe(false);
    expect(registry.get(b)).toBe(ada);
    expect(await core.isOnline('u-ada')).toBe(true);
    expect(await registry.close(a)).toEqual({ session: ada, last: false });
    expect(await registry.close(b)).toEqual({ session: ada, last: true });
    expect(await core.isOnline('u-ada')).toBe(false);
    expect(registry.get(b)).toBeUndefined();
  });

  it('closes a socket never opened, or closed twice, as nothing', async () => {
    const registry = await sessions();
    const a = socket('s1');
    expect(await registry.close(a)).toBeUndefined();
    await registry.open(a, { userId: 'u', name: 'U' });
    await registry.close(a);
    expect(await registry.close(a)).toBeUndefined();
  });

  it('forgets sockets that leave while the core is closing, without an error', async () => {
    const registry = await sessions();
    const a = socket('s1');
    await registry.open(a, { userId: 'u', name: 'U' });
    await core.close();
    expect(await registry.close(a)).toBeUndefined();
    expect(registry.get(a)).toBeUndefined();
  });
});
