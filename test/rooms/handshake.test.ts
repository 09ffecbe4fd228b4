/**
 * Handshake and identity: a JWT by default (in `auth.token`), `--auth trust` for the original
 * clients (the `connected` event names the user), and in every mode a payload's identity must
 * be the connection's user. Profiles: the connected user's own, never another's.
 */
import { describe, expect, it, vi } from 'vitest';
import { Server } from 'socket.io';
import type { ChatCore } from '../../src/core/index.js';
import { roomsAdapter } from '../../src/rooms/adapter.js';
import { specPathOf } from '../../src/server/protocols.js';
import { buildModel } from '../../src/spec/model.js';
import { readSpecFile } from '../../src/spec/source.js';
import { TEST_KEY } from '../helpers/servers.js';
import { connectRooms } from '../../generated/rooms/client.js';
import { describeEachBackend } from '../storage/backends.js';
import { createRoom, roomsHarness, uniqueId, wireUser } from './harness.js';

describeEachBackend('rooms handshake (jwt)', (backend) => {
  const h = roomsHarness(backend);

  it.each([
    ['no token', {}],
    ['a malformed token', { token: 'not-a-jwt' }],
    ['a token signed with another key', { token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl' }],
  ])('refuses %s with connect_error 401', async (_name, auth) => {
    const client = connectRooms(h.server.url, { auth: auth as { token: string }, socket: { transports: ['websocket'], reconnection: false, forceNew: true } });
    try {
      await expect(client.ready()).rejects.toMatchObject({ data: { status: 401 } });
    } finally {
      client.close();
    }
  });

  it('accepts a valid token; `connected` is optional, and stores the profile from the claims', async () => {
    const id = uniqueId('ada');
    const ada = await h.connect(id, { announce: false, claims: { name: 'Ada Lovelace', email: 'ada@example.com', picture: 'https://example.com/ada.png' } });
    await ada.sync();
    expect(await h.stored(id)).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com', picture: 'https://example.com/ada.png' });
    ada.client.connected({ user: ada.user, sid: ada.client.socket.io.engine.id });
    await ada.sync();
    expect(ada.count('error')).toBe(0);
  });

  it('keeps the claims over the payload, and fills what the token lacks from the user\'s own object', async () => {
    const id = uniqueId('grace');
    const grace = await h.connect(id, { claims: { name: 'Grace Hopper' }, user: { user_id: id, email: 'grace@example.com', name: 'Amazing Grace' } });
    await grace.sync();
    expect(await h.stored(id)).toMatchObject({ name: 'Grace Hopper', email: 'grace@example.com' });
  });

  it.each([
    ['connected', (other: string) => ['connected', { user: wireUser(other), sid: 'abc' }]],
    ['get_chats', (other: string) => ['get_chats', { user: wireUser(other) }]],
    ['new_room_create', (other: string) => ['new_room_create', { name: 'x', participants: [wireUser(other)], user: wireUser(other), is_group: true }]],
    ['new_message', (other: string) => ['new_message', { room: 'r1', message_body: 'hi', type: 'USER_TEXT_MESSAGE', user: wireUser(other) }]],
    ['typing_start', (other: string) => ['typing_start', { room: 'r1', user: wireUser(other) }]],
    ['online_status', (other: string) => ['online_status', { user_id: other }]],
  ] as const)('refuses %s naming another user (403) and stores nothing', async (event, build) => {
    const mallory = await h.connect(uniqueId('mallory'));
    const victim = uniqueId('victim');
    const [name, payload] = build(victim);
    mallory.client.socket.emit(name as 'connected', payload as never);
    const error = await mallory.next('error');
    expect(error).toMatchObject({ status: false, status_code: 403, data: { event, field: expect.stringMatching(/user_id$/) } });
    expect(await h.stored(victim)).toBeNull();
    expect(mallory.count('add_room') + mallory.count('online_status_show')).toBe(0);
  });

  it("never rewrites another user's profile from a room request", async () => {
    const adaId = uniqueId('ada');
    const ada = await h.connect(adaId, { claims: { name: 'Ada', email: 'ada@example.com' } });
    await ada.sync();
    const mallory = await h.connect(uniqueId('mallory'));
    const room = await createRoom(mallory, [{ user_id: adaId, email: 'fake@evil.example', name: 'Not Ada' }], { name: 'trap' });
    expect(room.participants.find((p) => p.user_id === adaId)).toEqual({ user_id: adaId, email: 'ada@example.com', name: 'Ada' });
    expect(await h.stored(adaId)).toMatchObject({ name: 'Ada', email: 'ada@example.com' });
  });
});

describeEachBackend('rooms handshake (trust)', (backend) => {
  const h = roomsHarness(backend, { authMode: 'trust' });

  it('accepts a socket without a token, refuses every event before `connected` (401), then takes its user', async () => {
    const id = uniqueId('ravi');
    const ravi = await h.connect(id, { claims: null, announce: false });
    ravi.client.getChats({ user: ravi.user });
    expect(await ravi.next('error')).toMatchObject({ status_code: 401, data: { event: 'get_chats' } });
    expect(await h.stored(id)).toBeNull();

    ravi.client.connected({ user: ravi.user, sid: ravi.client.socket.io.engine.id });
    expect((await ravi.sync()).chats).toEqual([]);
    expect(await h.stored(id)).toMatchObject({ name: ravi.user.name, email: ravi.user.email });
  });

  it('updates the profile from the connected user\'s own object, once per change', async () => {
    const id = uniqueId('nitesh');
    const nitesh = await h.connect(id, { claims: null });
    await nitesh.sync();
    const updates = spyOnUpserts(h.core);
    await nitesh.sync({ ...nitesh.user, name: 'Nitesh Kumar' });
    await nitesh.sync({ ...nitesh.user, name: 'Nitesh Kumar' });
    expect(await h.stored(id)).toMatchObject({ name: 'Nitesh Kumar' });
    expect(updates()).toBe(1);
  });

  it('refuses a second `connected` naming someone else, and events naming another user (403)', async () => {
    const mallory = await h.connect(uniqueId('mallory'), { claims: null });
    await mallory.sync();
    const victim = uniqueId('victim');
    mallory.client.connected({ user: wireUser(victim), sid: 'abc' });
    expect(await mallory.next('error')).toMatchObject({ status_code: 403, data: { event: 'connected', field: 'user.user_id' } });
    mallory.client.onlineStatus({ user_id: victim });
    expect(await mallory.next('error', (e) => e.data.event === 'online_status')).toMatchObject({ status_code: 403 });
    expect(await h.stored(victim)).toBeNull();
  });

  it('still verifies a token when one is sent', async () => {
    const client = connectRooms(h.server.url, { auth: { token: 'not-a-jwt' }, socket: { transports: ['websocket'], reconnection: false, forceNew: true } });
    try {
      await expect(client.ready()).rejects.toMatchObject({ data: { status: 401 } });
    } finally {
      client.close();
    }
  });
});

describe('rooms trust mode', () => {
  it('warns when the server starts', async () => {
    const warnings: string[] = [];
    const logger = { warn: (_details: unknown, message: string) => warnings.push(message), error: () => undefined };
    // No HTTP server: attaching only registers the namespace, so there is nothing to close.
    await roomsAdapter({
      core: undefined as never,
      model: buildModel(readSpecFile(specPathOf('rooms'))),
      logger: logger as never,
      auth: { key: TEST_KEY, mode: 'trust' },
      publicUrl: () => 'http://127.0.0.1',
      attachOptions: { validateOutgoing: true },
    }).attach(new Server());
    expect(warnings).toEqual([expect.stringMatching(/trust.*unverified/)]);
  });
});

/** Counts the core's profile upserts from now on. */
function spyOnUpserts(core: ChatCore): () => number {
  const spy = vi.spyOn(core, 'upsertUser');
  return () => {
    const n = spy.mock.calls.length;
    spy.mockRestore();
    return n;
  };
}
