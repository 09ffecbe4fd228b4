/**
 * Handshake: the token (auth.token or a `token` header), roles per namespace, and the
 * presence-first rule of `/chat`. Every refusal is `appError` and a closed connection.
 */
import { SignJWT } from 'jose';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../storage/backends.js';
import { TEST_KEY } from '../helpers/servers.js';
import { received, useMarketplace, type Connection } from './harness.js';

const sign = (claims: Record<string, unknown>, expires = '1h', secret = (TEST_KEY as { secret: string }).secret) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setAudience('marketplace').setIssuer('parley').setExpirationTime(expires).sign(new TextEncoder().encode(secret));

describeEachBackend('marketplace handshake', (backend) => {
  const m = useMarketplace(backend);

  /** Waits for the refusal and the disconnect that follows it. */
  async function refused(connection: Connection<{ socket: { connected: boolean } }>) {
    const error = await m.appError(connection);
    await connection.closed;
    expect(connection.client.socket.connected).toBe(false);
    return error;
  }

  const badTokens: [string, () => Promise<string>][] = [
    ['no token', async () => ''],
    ['a malformed token', async () => 'not-a-jwt'],
    ['a token signed with another key', () => sign({ data: { id: 1 }, types: ['customer'] }, '1h', 'another-secret-0123456789abcdef')],
    ['an expired token', () => sign({ data: { id: 1 }, types: ['customer'] }, '-1m')],
    ['a token without data.id', () => sign({ data: {}, types: ['customer'] })],
    ['a token with an unknown role', () => sign({ data: { id: 1 }, types: ['driver'] })],
  ];

  it.each(badTokens)('answers %s with appError 401 and closes /presence and /chat', async (_name, token) => {
    const value = await token();
    for (const connection of [m.presence(value), m.chat(value)]) {
      const error = await refused(connection);
      expect(error).toMatchObject({ error: true, statusCode: 401 });
    }
  });

  it('reads the token from a `token` handshake header', async () => {
    const ada = await m.user('customer');
    const presence = m.presence('', { extraHeaders: { token: ada.token } });
    await presence.client.ready();
    const chat = m.chat('', { extraHeaders: { token: ada.token } });
    expect(await received(chat.log, 'userChats')).toMatchObject({ statusCode: 200, data: [] });
    expect(chat.client.socket.connected).toBe(true);
  });

  it('admits an admin to /presence and refuses them on /chat with appError 403', async () => {
    const admin = await m.user('admin');
    const presence = m.presence(admin.token);
    await presence.client.ready();
    const error = await refused(m.chat(admin.token));
    expect(error).toMatchObject({ error: true, statusCode: 403 });
    expect(presence.client.socket.connected).toBe(true);
  });

  it('refuses /chat before /presence (appError 400, disconnected), and admits it after', async () => {
    const ada = await m.user('vendor');
    const early = await refused(m.chat(ada.token));
    expect(early).toMatchObject({ error: true, statusCode: 400, message: 'Connect to the /presence namespace first' });
    const session = await m.online(ada);
    expect(session.chat.client.socket.connected).toBe(true);
  });

  it('refuses /chat again once the user has left /presence', async () => {
    const ada = await m.user('customer');
    const session = await m.online(ada);
    session.presence.client.close();
    // Offline once the server has seen the presence socket go: wait for the store to say so.
    const user = await m.server.core.findUser('marketplace:customer', String(ada.id));
    await expect.poll(() => m.server.core.isOnline(user!.id), { timeout: 10_000 }).toBe(false);
    const error = await refused(m.chat(ada.token));
    expect(error.statusCode).toBe(400);
  });
});
