/**
 * The runner's credentials (src/contract/credentials.ts): tokens minted in each spec's claims
 * shape and cached per user, a team's token command, trust mode's ids, the handshake parts that
 * carry them where the namespace reads them, and the bad tokens the handshake cases send.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactVerify, decodeJwt, decodeProtectedHeader, errors, exportPKCS8, exportSPKI, generateKeyPair, importSPKI, jwtVerify } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { JwtKey } from '../../../src/auth/keys.js';
import { Credentials, type CredentialMode } from '../../../src/contract/credentials.js';
import { UserFactory, type TestUser } from '../../../src/contract/users.js';
import type { NamespaceSpec } from '../../../src/runtime/namespace-spec.js';
import type { ProtocolModel } from '../../../src/spec/model.js';
import { namespaceSpecOf } from '../../../src/spec/namespace-spec.js';
import { loadSpec, type Protocol } from '../../helpers/specs.js';

const models = Object.fromEntries((['messenger', 'rooms', 'marketplace', 'teamchat'] as const).map((p) => [p, loadSpec(p).model])) as Record<Protocol, ProtocolModel>;
const specOf = (protocol: Protocol, path: string): NamespaceSpec => namespaceSpecOf(models[protocol], models[protocol].namespaces.find((ns) => ns.path === path)!);

const SECRET = 'unit-test-secret-0123456789abcdef-0123456789';
const HS256: JwtKey = { algorithm: 'HS256', secret: SECRET };
const hsKey = new TextEncoder().encode(SECRET);

const usersOf = (protocol: Protocol) => new UserFactory(models[protocol], 700);
const now = () => Math.floor(Date.now() / 1000);

describe('canForge', () => {
  const modes: [string, CredentialMode, boolean][] = [
    ['jwt with the server key', { kind: 'jwt', key: HS256 }, true],
    ['jwt, forge: true', { kind: 'jwt', key: HS256, forge: true }, true],
    ['jwt, forge: false (a throwaway key)', { kind: 'jwt', key: HS256, forge: false }, false],
    ['a token command', { kind: 'command', command: 'printf x' }, false],
    ['trust', { kind: 'trust' }, false],
  ];
  it.each(modes)('%s: %s', (_name, mode, want) => {
    expect(new Credentials(models.messenger, mode).canForge).toBe(want);
  });
});

describe('minted tokens', () => {
  // The claims each spec's TokenClaims asks for, for the factory's first user (seed 7).
  const claims: [Protocol, { user: (u: UserFactory) => TestUser; want: Record<string, unknown> }][] = [
    ['messenger', { user: (u) => u.user('ada'), want: { sub: 'uf04h' } }],
    ['rooms', { user: (u) => u.user('ada'), want: { sub: 'uf04h' } }],
    ['teamchat', { user: (u) => u.user('ada'), want: { sub: 'uf04h' } }],
    ['marketplace', { user: (u) => u.user('ada'), want: { data: { id: 700_001 }, types: ['customer'] } }],
    ['marketplace', { user: (u) => u.user('bob', 'vendor'), want: { data: { id: 700_001 }, types: ['vendor'] } }],
  ];
  it.each(claims)('%s: claims shaped by the spec, %o', async (protocol, { user, want }) => {
    const credentials = new Credentials(models[protocol], { kind: 'jwt', key: HS256 });
    const token = await credentials.token(user(usersOf(protocol)))!;
    const payload = decodeJwt(token);
    const { iat, exp, ...rest } = payload;
    expect(rest).toEqual({ ...want, iss: 'parley', aud: protocol });
    expect(exp! - iat!).toBe(3600);
    expect(Math.abs(iat! - now())).toBeLessThan(5);
    expect(decodeProtectedHeader(token).alg).toBe('HS256');
    // The server's key verifies it, for the protocol's audience and the default issuer.
    await expect(jwtVerify(token, hsKey, { issuer: 'parley', audience: protocol })).resolves.toBeTruthy();
  });

  it('issuer and audience of the mode', async () => {
    const credentials = new Credentials(models.rooms, { kind: 'jwt', key: HS256, issuer: 'acme', audience: 'chat-api' });
    const payload = decodeJwt((await credentials.token(usersOf('rooms').user('ada')))!);
    expect([payload.iss, payload.aud]).toEqual(['acme', 'chat-api']);
  });

  it('RS256 with a private key: verifies with the public key', async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    const key: JwtKey = { algorithm: 'RS256', privateKeyPem: await exportPKCS8(pair.privateKey), publicKeyPem: await exportSPKI(pair.publicKey) };
    const token = (await new Credentials(models.teamchat, { kind: 'jwt', key }).token(usersOf('teamchat').user('ada')))!;
    expect(decodeProtectedHeader(token).alg).toBe('RS256');
    const { payload } = await jwtVerify(token, await importSPKI(key.publicKeyPem, 'RS256'), { audience: 'teamchat' });
    expect(payload.sub).toBe('uf04h');
  });

  it('minted once per user, cached by key', async () => {
    const credentials = new Credentials(models.messenger, { kind: 'jwt', key: HS256 });
    const make = usersOf('messenger');
    const ada = make.user('ada');
    const bob = make.user('bob');
    const first = credentials.token(ada);
    expect(credentials.token(ada)).toBe(first);
    // A copy of the user (same key) gets the same token.
    expect(credentials.token({ ...ada, label: 'ada again' })).toBe(first);
    const [a, b] = await Promise.all([first!, credentials.token(bob)!]);
    expect(a).not.toBe(b);
    expect(decodeJwt(b).sub).toBe('uf04i');
  });

  it('marketplace: a customer and a vendor with the same id are two users, two tokens', async () => {
    const credentials = new Credentials(models.marketplace, { kind: 'jwt', key: HS256 });
    const customer = new UserFactory(models.marketplace, 700).user('ada', 'customer');
    const vendor = new UserFactory(models.marketplace, 700).user('ada', 'vendor');
    expect(customer.id).toBe(vendor.id);
    const [c, v] = await Promise.all([credentials.token(customer)!, credentials.token(vendor)!]);
    expect(decodeJwt(c).types).toEqual(['customer']);
    expect(decodeJwt(v).types).toEqual(['vendor']);
  });

  it('trust mode has no tokens', () => {
    expect(new Credentials(models.messenger, { kind: 'trust' }).token(usersOf('messenger').user('ada'))).toBeUndefined();
  });
});

describe('token command', () => {
  const echo = `sh -c 'printf %s "$PARLEY_USER_ID.$PARLEY_USER_ROLE.$PARLEY_PROTOCOL"'`;
  const cases: [string, { protocol: Protocol; role?: string; want: string }][] = [
    ['messenger: no role', { protocol: 'messenger', want: 'uf04h..messenger' }],
    ['marketplace: a customer', { protocol: 'marketplace', want: '700001.customer.marketplace' }],
    ['marketplace: a vendor', { protocol: 'marketplace', role: 'vendor', want: '700001.vendor.marketplace' }],
  ];
  it.each(cases)('%s: run with PARLEY_USER_ID, PARLEY_USER_ROLE, PARLEY_PROTOCOL', async (_name, { protocol, role, want }) => {
    const credentials = new Credentials(models[protocol], { kind: 'command', command: echo });
    await expect(credentials.token(usersOf(protocol).user('ada', role))).resolves.toBe(want);
  });

  it('the output is trimmed, and the command runs once per user', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-token-'));
    const log = join(dir, 'runs');
    const credentials = new Credentials(models.messenger, { kind: 'command', command: `echo "$PARLEY_USER_ID" >> '${log}'; printf '  tok-%s\\n\\n' "$PARLEY_USER_ID"` });
    const make = usersOf('messenger');
    const ada = make.user('ada');
    const bob = make.user('bob');
    await expect(credentials.token(ada)).resolves.toBe('tok-uf04h');
    await expect(credentials.token(ada)).resolves.toBe('tok-uf04h');
    await expect(credentials.token(bob)).resolves.toBe('tok-uf04i');
    expect(readFileSync(log, 'utf8')).toBe('uf04h\nuf04i\n');
  });

  const failures: [string, string, RegExp][] = [
    ['prints nothing', `printf ''`, /--token-command printed nothing for user uf04h/],
    ['prints only blanks', `printf '  \\n'`, /--token-command printed nothing for user uf04h/],
    ['fails', `exit 3`, /exit|code|Command failed/i],
  ];
  it.each(failures)('a command that %s is an error', async (_name, command, error) => {
    const credentials = new Credentials(models.messenger, { kind: 'command', command });
    await expect(credentials.token(usersOf('messenger').user('ada'))).rejects.toThrow(error);
  });

  it('the handshake carries the command token where the spec reads it', async () => {
    const credentials = new Credentials(models.marketplace, { kind: 'command', command: echo });
    const parts = await credentials.handshake(usersOf('marketplace').user('ada'), specOf('marketplace', '/chat'));
    expect(parts).toEqual({ auth: { token: '700001.customer.marketplace' } });
  });
});

describe('handshake parts', () => {
  const jwt = new Credentials(models.messenger, { kind: 'jwt', key: HS256 });
  const base = specOf('messenger', '/');
  let token = '';
  const ada = usersOf('messenger').user('ada');
  beforeAll(async () => {
    token = (await jwt.token(ada))!;
  });

  const sources: [string, { spec: () => NamespaceSpec; want: (token: string) => object }][] = [
    ['messenger: auth.token', { spec: () => specOf('messenger', '/'), want: (t) => ({ auth: { token: t } }) }],
    ['rooms: auth.token (the first of auth.token, query.token)', { spec: () => specOf('rooms', '/'), want: (t) => ({ auth: { token: t } }) }],
    ['marketplace /presence: auth.token', { spec: () => specOf('marketplace', '/presence'), want: (t) => ({ auth: { token: t } }) }],
    ['teamchat: auth.token', { spec: () => specOf('teamchat', '/'), want: (t) => ({ auth: { token: t } }) }],
    ['query.token', { spec: () => ({ ...base, tokenSources: [{ in: 'query', name: 'token' }] }), want: (t) => ({ query: { token: t } }) }],
    ['headers.authorization', { spec: () => ({ ...base, tokenSources: [{ in: 'headers', name: 'authorization' }, { in: 'auth', name: 'token' }] }), want: (t) => ({ extraHeaders: { authorization: t } }) }],
    ['no token source', { spec: () => ({ ...base, tokenSources: [] }), want: () => ({}) }],
  ];
  it.each(sources)('jwt, %s', async (_name, { spec, want }) => {
    await expect(jwt.handshake(ada, spec())).resolves.toEqual(want(token));
  });

  it('jwt: a given token instead of the user’s, and none with null', async () => {
    await expect(jwt.handshake(ada, base, 'given')).resolves.toEqual({ auth: { token: 'given' } });
    await expect(jwt.handshake(ada, base, null)).resolves.toEqual({});
  });

  const trust: [string, { spec: () => NamespaceSpec; want: object }][] = [
    ['messenger: the id at auth.userid', { spec: () => specOf('messenger', '/'), want: { auth: { userid: 'uf04h' } } }],
    ['rooms: nothing (the id comes with the announce event)', { spec: () => specOf('rooms', '/'), want: {} }],
    ['teamchat: nothing (announce)', { spec: () => specOf('teamchat', '/'), want: {} }],
    ['an id in the query', { spec: () => ({ ...base, trustSource: { in: 'query', name: 'uid' } }), want: { query: { uid: 'uf04h' } } }],
    ['an id in a header', { spec: () => ({ ...base, trustSource: { in: 'headers', name: 'x-user' } }), want: { extraHeaders: { 'x-user': 'uf04h' } } }],
  ];
  it.each(trust)('trust, %s', async (_name, { spec, want }) => {
    await expect(new Credentials(models.messenger, { kind: 'trust' }).handshake(ada, spec())).resolves.toEqual(want);
  });

  it('trust: a marketplace-like integer id is sent as a string', async () => {
    const vendor = usersOf('marketplace').user('bob', 'vendor');
    const parts = await new Credentials(models.marketplace, { kind: 'trust' }).handshake(vendor, { ...specOf('marketplace', '/chat'), trustSource: { in: 'auth', name: 'userid' } });
    expect(parts).toEqual({ auth: { userid: '700001' } });
  });

  it('trust: no credential at all with null', async () => {
    await expect(new Credentials(models.messenger, { kind: 'trust' }).handshake(ada, base, null)).resolves.toEqual({});
  });

  it('trust: a given (bad) token is still sent where the namespace reads tokens', async () => {
    const parts = await new Credentials(models.messenger, { kind: 'trust' }).handshake(ada, base, 'not-a-jwt');
    expect(parts.auth?.token).toBe('not-a-jwt');
  });
});

describe('bad tokens', () => {
  const credentials = new Credentials(models.marketplace, { kind: 'jwt', key: HS256 });
  const vendor = usersOf('marketplace').user('bob', 'vendor');

  it('malformed: not a JWT, in every mode', async () => {
    for (const mode of [{ kind: 'jwt', key: HS256 }, { kind: 'command', command: 'printf x' }, { kind: 'trust' }] as CredentialMode[]) {
      const bad = await new Credentials(models.marketplace, mode).badToken(vendor, 'malformed');
      expect(bad).toBe('not-a-jwt');
      expect(() => decodeJwt(bad)).toThrow();
    }
  });

  it('expired: signed with the key, the user’s claims, exp an hour past', async () => {
    const bad = await credentials.badToken(vendor, 'expired');
    const payload = decodeJwt(bad);
    expect(payload).toMatchObject({ data: { id: 700_001 }, types: ['vendor'], iss: 'parley', aud: 'marketplace' });
    expect(payload.exp! - now()).toBeGreaterThan(-3605);
    expect(payload.exp! - now()).toBeLessThan(-3595);
    expect(payload.exp! - payload.iat!).toBe(3600);
    // The signature is good: only the expiry makes the server refuse it.
    await expect(compactVerify(bad, hsKey)).resolves.toBeTruthy();
    await expect(jwtVerify(bad, hsKey)).rejects.toBeInstanceOf(errors.JWTExpired);
  });

  it('bad signature: the user’s unexpired claims, not verifiable with the key', async () => {
    const bad = await credentials.badToken(vendor, 'badSignature');
    const payload = decodeJwt(bad);
    expect(payload).toMatchObject({ data: { id: 700_001 }, types: ['vendor'], iss: 'parley', aud: 'marketplace' });
    expect(payload.exp!).toBeGreaterThan(now());
    await expect(compactVerify(bad, hsKey)).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
    await expect(jwtVerify(bad, hsKey)).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
  });

  it('RS256: expired verifies with the public key until exp is checked; bad signature never does', async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    const key: JwtKey = { algorithm: 'RS256', privateKeyPem: await exportPKCS8(pair.privateKey), publicKeyPem: await exportSPKI(pair.publicKey) };
    const rs = new Credentials(models.messenger, { kind: 'jwt', key, issuer: 'acme' });
    const ada = usersOf('messenger').user('ada');
    const expired = await rs.badToken(ada, 'expired');
    expect(decodeProtectedHeader(expired).alg).toBe('RS256');
    expect(decodeJwt(expired)).toMatchObject({ sub: 'uf04h', iss: 'acme', aud: 'messenger' });
    await expect(compactVerify(expired, pair.publicKey)).resolves.toBeTruthy();
    await expect(jwtVerify(expired, pair.publicKey)).rejects.toBeInstanceOf(errors.JWTExpired);
    const forged = await rs.badToken(ada, 'badSignature');
    await expect(jwtVerify(forged, pair.publicKey)).rejects.toThrow();
    await expect(jwtVerify(forged, pair.publicKey, { algorithms: ['RS256'] })).rejects.toThrow();
  });

  it('forged tokens need the key: command and trust modes refuse', async () => {
    for (const mode of [{ kind: 'command', command: 'printf x' }, { kind: 'trust' }] as CredentialMode[]) {
      const c = new Credentials(models.marketplace, mode);
      await expect(c.badToken(vendor, 'expired')).rejects.toThrow('forged tokens need the key (--jwt-secret or --jwt-private-key)');
      await expect(c.badToken(vendor, 'badSignature')).rejects.toThrow('forged tokens need the key');
    }
  });

  it('a bad token goes where a good one would', async () => {
    const bad = await credentials.badToken(vendor, 'badSignature');
    await expect(credentials.handshake(vendor, specOf('marketplace', '/chat'), bad)).resolves.toEqual({ auth: { token: bad } });
  });
});
