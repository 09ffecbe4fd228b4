/** Tokens in each protocol's shape: minted, verified, refused when forged, expired or misshapen. */
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../src/auth/authenticator.js';
import { claimsFor, jwtNamespace, mintToken } from '../../src/auth/tokens.js';
import { loadSpec } from '../helpers/specs.js';

const key = { algorithm: 'HS256', secret: 'test-secret-of-sufficient-length-0123' } as const;
const credential = (token?: string, trustedUserId?: string) => ({ namespace: '/', token, trustedUserId, handshake: {} as never });

describe('claims shaped by the spec', () => {
  it.each([
    ['messenger', { user: 'u-ada' }, { sub: 'u-ada' }],
    ['marketplace', { user: '2', attributes: { type: 'customer' } }, { data: { id: 2 }, types: ['customer'] }],
    ['rooms', { user: '61010d7ce4c9786a417b4113' }, { sub: '61010d7ce4c9786a417b4113' }],
    ['teamchat', { user: '65e01d25c002d6508c631ad9' }, { sub: '65e01d25c002d6508c631ad9' }],
  ] as const)('%s', (protocol, request, want) => {
    expect(claimsFor(loadSpec(protocol).model, request)).toEqual(want);
  });

  it('refuses a role the spec does not know', () => {
    expect(() => claimsFor(loadSpec('marketplace').model, { user: '2', attributes: { type: 'martian' } })).toThrow(/types\.0 must be one of/);
  });
});

describe('authenticator', () => {
  const { model } = loadSpec('marketplace');
  const ns = jwtNamespace(model);
  const authenticate = createAuthenticator(model, ns, { key });

  it('accepts a token it minted, with the id and attributes at the spec’s claim paths', async () => {
    const token = await mintToken(model, key, { user: '7', attributes: { type: 'vendor' } });
    expect(await authenticate(credential(token))).toMatchObject({ userId: '7', attributes: { type: 'vendor' } });
  });

  it.each([
    ['no token', undefined, /a token is required/],
    ['garbage', 'not.a.jwt', /invalid/],
    ['another secret', 'FORGED', /invalid/],
    ['expired', 'EXPIRED', /expired/],
    ['wrong claims shape', 'SHAPE', /token claims: data is required/],
  ])('refuses %s as unauthenticated', async (_name, token, message) => {
    let t = token;
    if (token === 'FORGED') t = await mintToken(model, { algorithm: 'HS256', secret: 'another-secret-entirely-0123456789' }, { user: '7', attributes: { type: 'vendor' } });
    if (token === 'EXPIRED') t = await new SignJWT({ data: { id: 7 }, types: ['vendor'] }).setProtectedHeader({ alg: 'HS256' }).setAudience('marketplace').setIssuer('parley').setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(new TextEncoder().encode(key.secret));
    if (token === 'SHAPE') t = await new SignJWT({ sub: '7' }).setProtectedHeader({ alg: 'HS256' }).setAudience('marketplace').setIssuer('parley').sign(new TextEncoder().encode(key.secret));
    await expect(authenticate(credential(t))).rejects.toMatchObject({ kind: 'unauthenticated', message: expect.stringMatching(message) });
  });

  it('refuses an unsigned (alg: none) token', async () => {
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"data":{"id":7},"types":["admin"]}').toString('base64url')}.`;
    await expect(authenticate(credential(unsigned))).rejects.toMatchObject({ kind: 'unauthenticated' });
  });

  it('takes the unverified id only in trust mode, and only where the spec has a trust source', async () => {
    const messenger = loadSpec('messenger').model;
    const strict = createAuthenticator(messenger, jwtNamespace(messenger), { key });
    const trusting = createAuthenticator(messenger, jwtNamespace(messenger), { key, mode: 'trust' });
    await expect(strict(credential(undefined, 'u-ada'))).rejects.toMatchObject({ kind: 'unauthenticated' });
    expect(await trusting(credential(undefined, 'u-ada'))).toMatchObject({ userId: 'u-ada' });
    const rooms = loadSpec('rooms').model;
    expect(await createAuthenticator(rooms, jwtNamespace(rooms), { key, mode: 'trust' })(credential())).toBeNull();
  });
});
