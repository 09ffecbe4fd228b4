/**
 * Handshake: a JWT by default; `--auth trust` for existing clients, where the first
 * `connectRooms` names the user and anything before it is `unauthenticated`.
 */
import { SignJWT } from 'jose';
import { Server } from 'socket.io';
import { expect, it, vi } from 'vitest';
import { connectTeamchat } from '../../generated/teamchat/client.js';
import { teamchatAdapter } from '../../src/teamchat/adapter.js';
import type { Logger } from '../../src/server/logger.js';
import { nextEvent } from '../helpers/net.js';
import { TEST_KEY } from '../helpers/servers.js';
import { loadSpec } from '../helpers/specs.js';
import { describeEachBackend } from '../storage/backends.js';
import { nextError, received, useTeamchat } from './harness.js';

const secret = new TextEncoder().encode((TEST_KEY as { secret: string }).secret);

describeEachBackend('teamchat handshake with a JWT', (backend) => {
  const t = useTeamchat(backend);

  it.each([
    ['no token', undefined, /token is required/],
    [
      'a token signed with another key',
      async () =>
        new SignJWT({ sub: 'u1' }).setProtectedHeader({ alg: 'HS256' }).setAudience('teamchat').setIssuer('parley').sign(new TextEncoder().encode('another-secret-0123456789abcdef!')),
      /invalid/,
    ],
    [
      'an expired token',
      async () =>
        new SignJWT({ sub: 'u1' })
          .setProtectedHeader({ alg: 'HS256' })
          .setAudience('teamchat')
          .setIssuer('parley')
          .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
          .sign(secret),
      /expired/,
    ],
    ['a token without sub', async () => new SignJWT({ name: 'x' }).setProtectedHeader({ alg: 'HS256' }).setAudience('teamchat').setIssuer('parley').sign(secret), /sub/],
  ])('refuses %s with connect_error 401', async (_name, makeToken, message) => {
    const token = makeToken === undefined ? undefined : await makeToken();
    const client = connectTeamchat(t.server().url, {
      auth: (token === undefined ? {} : { token }) as { token: string },
      socket: { transports: ['websocket'], reconnection: false },
    });
    try {
      const error = await client.ready().then(
        () => undefined,
        (err: Error & { data?: { status: number; message: string } }) => err,
      );
      expect(error?.data?.status).toBe(401);
      expect(error?.data?.message).toMatch(message);
    } finally {
      client.close();
    }
  });

  it("accepts a valid token: connectRooms with the token's sub lists the rooms", async () => {
    const ada = t.user('ada');
    const client = await t.connect(ada);
    const rooms = nextEvent(client.socket, 'connectRooms');
    client.connectRooms({ user_id: ada, first_name: 'Ada' });
    expect(await rooms).toEqual([]);
  });

  it("keeps the token's names as the user's profile", async () => {
    const ada = t.user('ada');
    const client = await t.connect(ada, { claims: { first_name: 'Ada', last_name: 'Lovelace' } });
    client.connectRooms({ user_id: ada });
    await nextEvent(client.socket, 'connectRooms');
    expect((await t.server().core.findUser('teamchat', ada))?.name).toBe('Ada Lovelace');
  });
});

describeEachBackend('teamchat handshake in trust mode', (backend) => {
  const t = useTeamchat(backend, { authMode: 'trust' });

  it('connects without a token, and refuses any event before connectRooms with 401', async () => {
    const client = await t.connect('nobody', { token: false });
    const error = nextError(client);
    client.typing({ room_id: 'r1', message: 'typing' });
    expect(await error).toMatchObject({ event: 'typing', statusCode: 401 });
  });

  it('takes the user from the first connectRooms (announce), and acts as that user afterwards', async () => {
    const ada = t.user('ada');
    const grace = t.user('grace');
    const room = await t.group(ada, [grace]);
    const client = await t.connect(ada, { token: false });
    const rooms = nextEvent<{ _id: string }[]>(client.socket, 'connectRooms');
    client.connectRooms({ user_id: ada });
    expect((await rooms).map((r) => r._id)).toEqual([room]);
    const message = nextEvent(client.socket, 'message');
    client.sendMessage({ room_id: room, sender_id: ada, message: 'hello' });
    expect(await message).toMatchObject({ sender_id: ada, message: 'hello' });
  });

  it('binds the connection to the announced user: a second connectRooms naming someone else is forbidden', async () => {
    const ada = t.user('ada');
    const client = await t.connect(ada, { token: false });
    client.connectRooms({ user_id: ada });
    await nextEvent(client.socket, 'connectRooms');
    const error = nextError(client);
    client.connectRooms({ user_id: t.user('mallory') });
    expect(await error).toMatchObject({ event: 'connectRooms', statusCode: 403, field: 'user_id' });
    expect(received(client, 'connectRooms')).toHaveLength(1);
  });

  it('still verifies a token when one is sent', async () => {
    const ada = t.user('ada');
    const client = await t.connect(ada);
    const error = nextError(client);
    client.connectRooms({ user_id: t.user('mallory') });
    expect(await error).toMatchObject({ statusCode: 403, field: 'user_id' });
  });

  it('warns at start that identities are not verified', async () => {
    const warn = vi.fn();
    const logger = { warn, error: vi.fn(), info: vi.fn(), debug: vi.fn(), child: () => logger } as unknown as Logger;
    // Not bound to an HTTP server: nothing listens, nothing to close.
    const io = new Server();
    await teamchatAdapter({
      core: t.server().core,
      model: loadSpec('teamchat').model,
      logger,
      auth: { key: TEST_KEY, mode: 'trust' },
      publicUrl: () => 'http://127.0.0.1:1',
      attachOptions: { validateOutgoing: true },
    }).attach(io);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/trust.*unverified/));
  });
});
