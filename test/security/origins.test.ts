/**
 * Which web pages may reach a server: the origin policy on both Socket.IO transports and on the
 * HTTP endpoints (with CORS), its development and production defaults, an allow-list; and trust
 * mode refused on an address other than loopback.
 */
import { io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/server/logger.js';
import { originPolicy, parseAllowedOrigins } from '../../src/server/origins.js';
import { serve } from '../../src/server/serve.js';
import { startTestServer, TEST_KEY, type TestProtocolServer } from '../helpers/servers.js';
import { sqliteBackend } from '../storage/backends.js';

const req = (origin: string | undefined, host = 'chat.example.com') => ({ headers: { origin, host } });

describe('originPolicy', () => {
  it.each([
    ['no Origin (not a browser)', {}, req(undefined), true],
    ['the same origin', { production: true }, req('https://chat.example.com'), true],
    ['another origin, production', { production: true }, req('https://evil.example'), false],
    ['localhost, development', {}, req('http://localhost:5173'), true],
    ['127.0.0.1, development', {}, req('http://127.0.0.1:3000'), true],
    ['localhost, production', { production: true }, req('http://localhost:5173'), false],
    ['a listed origin', { allowed: ['https://app.example.com'], production: true }, req('https://app.example.com'), true],
    ['a listed origin, written with its default port', { allowed: ['https://app.example.com:443'] }, req('https://app.example.com'), true],
    ['localhost once a list is given', { allowed: ['https://app.example.com'] }, req('http://localhost:5173'), false],
    ['a look-alike of a listed origin', { allowed: ['https://app.example.com'] }, req('https://app.example.com.evil.example'), false],
    ['http for a listed https origin', { allowed: ['https://app.example.com'] }, req('http://app.example.com'), false],
    ["'null' (sandboxed frames, file:)", {}, req('null'), false],
    ['garbage', {}, req('::::'), false],
    ['anything with *', { allowed: ['*'], production: true }, req('https://evil.example'), true],
  ] as const)('%s', (_name, options, request, want) => {
    expect(originPolicy(options).admits(request)).toBe(want);
  });

  it('reads a list, and names an entry that is not an origin', () => {
    expect(parseAllowedOrigins(' https://a.example , http://localhost:5173,')).toEqual(['https://a.example', 'http://localhost:5173']);
    expect(() => parseAllowedOrigins('https://a.example/app')).toThrow(/'https:\/\/a\.example\/app' is not an origin/);
    expect(() => parseAllowedOrigins('a.example')).toThrow(/not an origin/);
  });
});

describe('the origin policy on a real server (teamchat, allow-list)', () => {
  const backend = sqliteBackend();
  let server: TestProtocolServer;
  beforeAll(async () => {
    server = await startTestServer('teamchat', backend, { allowedOrigins: ['https://app.example.com'] });
  });
  afterAll(async () => {
    await server.close();
    await backend.cleanup();
  });

  async function handshake(transport: 'websocket' | 'polling', origin: string): Promise<'connected' | string> {
    const socket = io(server.url, { auth: { token: await server.token('65e01d25c002d6508c631ad9') }, transports: [transport], reconnection: false, forceNew: true, extraHeaders: { origin } });
    return new Promise((resolve) => {
      socket.once('connect', () => (socket.close(), resolve('connected')));
      socket.once('connect_error', (error) => (socket.close(), resolve(error.message)));
    });
  }

  it.each(['websocket', 'polling'] as const)('%s: a listed origin connects, another does not', async (transport) => {
    expect(await handshake(transport, 'https://app.example.com')).toBe('connected');
    expect(await handshake(transport, 'https://evil.example')).not.toBe('connected');
  });

  it('HTTP: a listed origin gets CORS headers and its preflight; another gets 403 before the route runs', async () => {
    const ok = await fetch(`${server.url}/healthz`, { headers: { origin: 'https://app.example.com' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const preflight = await fetch(`${server.url}/api/v1/media`, { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('POST');
    const refused = await fetch(`${server.url}/api/v1/media`, { method: 'POST', headers: { origin: 'https://evil.example', authorization: `Bearer ${await server.token('65e01d25c002d6508c631ad9')}` }, body: 'x' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: 'origin not allowed' });
    const plain = await fetch(`${server.url}/healthz`);
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('trust mode binding', () => {
  const running: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.close()));
  });
  const options = (host: string, forceTrust?: boolean) => ({
    protocols: ['messenger'],
    port: 0,
    host,
    database: 'sqlite::memory:',
    mediaDir: mkdtempSync(join(tmpdir(), 'parley-trust-')),
    auth: () => ({ key: TEST_KEY, mode: 'trust' as const }),
    logger: createLogger({ level: 'silent' }),
    forceTrust,
  });

  it('refuses to serve trust mode on an address other than loopback, naming the way out', async () => {
    await expect(serve(options('0.0.0.0'))).rejects.toThrow(/trust mode lets anyone who reaches 0\.0\.0\.0 act as any user.*--force-trust/);
  });

  it('serves it on loopback, or anywhere when forced', async () => {
    running.push(await serve(options('127.0.0.1')));
    running.push(await serve(options('0.0.0.0', true)));
  });
});
