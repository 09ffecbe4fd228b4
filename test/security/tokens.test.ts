/**
 * Token attacks against every protocol's real server, on every namespace with a JWT handshake
 * and every HTTP endpoint: unsigned, expired, not yet valid, signed with another key, minted for
 * another protocol or by another issuer, and (on an RS256 server) HS256 signed with the public
 * key. Each is refused as unauthenticated (401); a token within the stated clock tolerance is not.
 */
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOCK_TOLERANCE_SECONDS, DEFAULT_ISSUER, type JwtKey } from '../../src/auth/keys.js';
import { claimsFor, mintToken } from '../../src/auth/tokens.js';
import type { ProtocolModel } from '../../src/spec/model.js';
import { loadSpec, PROTOCOLS } from '../helpers/specs.js';
import { startTestServer, TEST_KEY, type TestProtocolServer } from '../helpers/servers.js';
import { sqliteBackend } from '../storage/backends.js';

type Outcome = 'connected' | { refused: number; message: string };

/**
 * Opens a namespace with a token and says what happened: connected, or refused with a status,
 * whether the protocol refuses with `connect_error` or with its error event and a disconnect.
 */
export function handshake(url: string, namespace: string, token: string): Promise<Outcome> {
  const socket = io(`${url}${namespace === '/' ? '' : namespace}`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise<Outcome>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no outcome for ${namespace}`)), 4000);
    const done = (outcome: Outcome) => {
      clearTimeout(timer);
      socket.close();
      resolve(outcome);
    };
    socket.on('connect_error', (error: Error & { data?: { status?: number } }) => done({ refused: error.data?.status ?? 0, message: error.message }));
    socket.onAny((_event: string, payload: Record<string, unknown>) => {
      const status = payload?.statusCode ?? payload?.status_code ?? payload?.status;
      if (typeof status === 'number') done({ refused: status, message: String(payload.message) });
    });
    // A protocol that refuses with its error event sends it right after connecting; give it the
    // moment it needs before calling the connection accepted.
    socket.on('connect', () => setTimeout(() => socket.connected && done('connected'), 150));
  });
}

const seconds = () => Math.floor(Date.now() / 1000);
const encode = (secret: string) => new TextEncoder().encode(secret);

/** The claims of a valid token of `protocol` for a user of the right shape. */
function validClaims(model: ProtocolModel): Record<string, unknown> {
  return claimsFor(model, model.protocol === 'marketplace' ? { user: '7', attributes: { type: 'customer' } } : { user: '65e01d25c002d6508c631ad9' });
}

function sign(claims: Record<string, unknown>, secret: string, edit: (jwt: SignJWT) => SignJWT = (j) => j): Promise<string> {
  return edit(new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt()).sign(encode(secret));
}

const secret = (TEST_KEY as Extract<JwtKey, { algorithm: 'HS256' }>).secret;

/** Each attack: a name, a token maker (given the protocol's model), and the refusal's message. */
const ATTACKS: readonly [string, (model: ProtocolModel) => Promise<string>, RegExp][] = [
  ['unsigned (alg: none)', async (m) => `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ ...validClaims(m), aud: m.protocol, iss: DEFAULT_ISSUER })).toString('base64url')}.`, /invalid/],
  ['expired beyond the clock tolerance', (m) => sign(validClaims(m), secret, (j) => j.setAudience(m.protocol).setIssuer(DEFAULT_ISSUER).setExpirationTime(seconds() - CLOCK_TOLERANCE_SECONDS - 60)), /expired/],
  ['not valid yet (nbf)', (m) => sign(validClaims(m), secret, (j) => j.setAudience(m.protocol).setIssuer(DEFAULT_ISSUER).setNotBefore(seconds() + 600).setExpirationTime('1h')), /not valid yet/],
  ['signed with another key', (m) => sign(validClaims(m), 'another-secret-entirely-0123456789abcdef', (j) => j.setAudience(m.protocol).setIssuer(DEFAULT_ISSUER).setExpirationTime('1h')), /invalid/],
  ['minted for another protocol (aud)', (m) => mintToken(m, TEST_KEY, { ...request(m), audience: PROTOCOLS.find((p) => p !== m.protocol)! }), /not for this protocol/],
  ['without an audience', (m) => sign(validClaims(m), secret, (j) => j.setIssuer(DEFAULT_ISSUER).setExpirationTime('1h')), /not for this protocol/],
  ['from another issuer (iss)', (m) => mintToken(m, TEST_KEY, { ...request(m), issuer: 'someone-else' }), /another issuer/],
  ['without an issuer', (m) => sign(validClaims(m), secret, (j) => j.setAudience(m.protocol).setExpirationTime('1h')), /another issuer/],
];

function request(model: ProtocolModel) {
  return model.protocol === 'marketplace' ? { user: '7', attributes: { type: 'customer' } } : { user: '65e01d25c002d6508c631ad9' };
}

describe.each(PROTOCOLS)('%s: token attacks', (protocol) => {
  const { model } = loadSpec(protocol);
  const namespaces = model.namespaces.filter((ns) => ns.socketio.handshake.jwt).map((ns) => ns.path);
  const backend = sqliteBackend();
  let server: TestProtocolServer;
  beforeAll(async () => {
    server = await startTestServer(protocol, backend);
  });
  afterAll(async () => {
    await server.close();
    await backend.cleanup();
  });

  it('accepts a token it minted, and one expired within the stated clock tolerance', async () => {
    const first = namespaces[0]!;
    expect(await handshake(server.url, first, await mintToken(model, TEST_KEY, request(model)))).toBe('connected');
    const skewed = await sign(validClaims(model), secret, (j) => j.setAudience(protocol).setIssuer(DEFAULT_ISSUER).setExpirationTime(seconds() - CLOCK_TOLERANCE_SECONDS + 10));
    expect(await handshake(server.url, first, skewed)).toBe('connected');
  });

  it.each(ATTACKS)('refuses a token %s on every JWT namespace (401)', async (_name, make, message) => {
    const token = await make(model);
    for (const ns of namespaces) {
      expect(await handshake(server.url, ns, token), ns).toEqual({ refused: 401, message: expect.stringMatching(message) });
    }
  });

  it.each(ATTACKS)('refuses a token %s on every HTTP endpoint (401)', async (_name, make) => {
    const token = await make(model);
    for (const route of server.server.routes.filter((r) => r.path !== '/healthz')) {
      const path = route.path.replace(/:[A-Za-z_]+/g, '65e01d25c002d6508c631ad9');
      const response = await fetch(`${server.url}${path}`, { method: route.method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: route.method === 'GET' ? undefined : '{}' });
      expect(response.status, `${route.method} ${path}`).toBe(401);
    }
  });
});

describe('an RS256 server: key confusion', () => {
  const { model } = loadSpec('messenger');
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const key: JwtKey = { algorithm: 'RS256', publicKeyPem: pair.publicKey, privateKeyPem: pair.privateKey };
  const backend = sqliteBackend();
  let server: TestProtocolServer;
  beforeAll(async () => {
    server = await startTestServer('messenger', backend, { key });
  });
  afterAll(async () => {
    await server.close();
    await backend.cleanup();
  });

  it('accepts an RS256 token signed with the private key', async () => {
    expect(await handshake(server.url, '/', await mintToken(model, key, { user: 'u-ada' }))).toBe('connected');
  });

  it('refuses an HS256 token whose secret is the public key', async () => {
    const forged = await sign({ sub: 'u-ada' }, pair.publicKey, (j) => j.setAudience('messenger').setIssuer(DEFAULT_ISSUER).setExpirationTime('1h'));
    expect(await handshake(server.url, '/', forged)).toEqual({ refused: 401, message: expect.stringMatching(/invalid/) });
  });
});
