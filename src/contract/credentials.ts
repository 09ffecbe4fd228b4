/**
 * How the runner proves who its users are: tokens it mints in the shape the spec's handshake
 * declares (an HS256 secret or an RS256 private key), tokens a team's own command prints, or the
 * spec's trust mode. With a key, it can also make the bad tokens the handshake cases send.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SignJWT } from 'jose';
import { signingKey, type JwtKey } from '../auth/keys.js';
import { claimsFor, mintToken } from '../auth/tokens.js';
import type { NamespaceSpec } from '../runtime/namespace-spec.js';
import type { ProtocolModel } from '../spec/model.js';
import { rolesOf, type TestUser } from './users.js';

const run = promisify(execFile);

export type CredentialMode =
  /**
   * Tokens minted with the server's key. `forge: false` when the key is not the server's (a
   * throwaway one, for servers that do not verify signatures, such as `parley mock`): then the
   * runner makes no bad-signature or expired tokens.
   */
  | { readonly kind: 'jwt'; readonly key: JwtKey; readonly issuer?: string; readonly audience?: string; readonly forge?: boolean }
  | { readonly kind: 'command'; readonly command: string }
  | { readonly kind: 'trust' };

/** What a socket.io-client sends in the handshake. */
export interface HandshakeParts {
  auth?: Record<string, unknown>;
  query?: Record<string, string>;
  extraHeaders?: Record<string, string>;
}

/** A token that must be refused, and why. */
export type BadToken = 'malformed' | 'badSignature' | 'expired';

export class Credentials {
  private readonly tokens = new Map<string, Promise<string>>();

  constructor(
    private readonly model: ProtocolModel,
    readonly mode: CredentialMode,
  ) {}

  /** Whether the runner can make tokens that are well-formed but must be refused (it knows the key). */
  get canForge(): boolean {
    return this.mode.kind === 'jwt' && this.mode.forge !== false;
  }

  /** A valid token for a user (minted once per user), or undefined in trust mode. */
  token(user: TestUser): Promise<string> | undefined {
    if (this.mode.kind === 'trust') return undefined;
    const cacheKey = user.key;
    let token = this.tokens.get(cacheKey);
    if (!token) {
      token = this.mint(user);
      this.tokens.set(cacheKey, token);
    }
    return token;
  }

  private async mint(user: TestUser): Promise<string> {
    const mode = this.mode;
    const attributes = this.roleAttributes(user);
    if (mode.kind === 'jwt') {
      return mintToken(this.model, mode.key, { user: String(user.id), attributes, issuer: mode.issuer, audience: mode.audience, expiresIn: '1h' });
    }
    if (mode.kind === 'command') {
      const env = { ...process.env, PARLEY_USER_ID: String(user.id), PARLEY_USER_ROLE: user.role ?? '', PARLEY_PROTOCOL: this.model.protocol };
      const { stdout } = await run('/bin/sh', ['-c', mode.command], { env, timeout: 10_000 });
      const token = stdout.trim();
      if (!token) throw new Error(`--token-command printed nothing for user ${String(user.id)}`);
      return token;
    }
    throw new Error('trust mode has no tokens');
  }

  /** The user's role as a token attribute, where the spec has roles. */
  private roleAttributes(user: TestUser): Record<string, string> | undefined {
    const roles = rolesOf(this.model);
    return roles && user.role ? { [roles.attribute]: user.role } : undefined;
  }

  /** A token the server must refuse. */
  async badToken(user: TestUser, kind: BadToken): Promise<string> {
    if (kind === 'malformed') return 'not-a-jwt';
    if (this.mode.kind !== 'jwt') throw new Error('forged tokens need the key (--jwt-secret or --jwt-private-key)');
    const { key, issuer, audience } = this.mode;
    const claims = claimsFor(this.model, { user: String(user.id), attributes: this.roleAttributes(user) });
    const now = Math.floor(Date.now() / 1000);
    const unsigned = () => new SignJWT(claims).setIssuer(issuer ?? 'parley').setAudience(audience ?? this.model.protocol);
    if (kind === 'expired') return unsigned().setProtectedHeader({ alg: key.algorithm }).setIssuedAt(now - 7200).setExpirationTime(now - 3600).sign(await signingKey(key));
    // Signed with another key: an HS256 secret nobody else has.
    return unsigned().setProtectedHeader({ alg: 'HS256' }).setIssuedAt(now).setExpirationTime(now + 3600).sign(new TextEncoder().encode(`not-the-servers-secret-${now}-0123456789abcdef`));
  }

  /** The handshake a user's socket sends to a namespace: the token where the spec reads it, or trust mode's id. */
  async handshake(user: TestUser, spec: NamespaceSpec, token?: string | null): Promise<HandshakeParts> {
    const parts: HandshakeParts = {};
    if (token === null) return parts;
    // A token the case gives (a bad one) goes where tokens go, in trust mode too.
    if (this.mode.kind === 'trust' && token === undefined) {
      const source = spec.trustSource;
      if (source) put(parts, source, String(user.id));
      return parts;
    }
    const value = token ?? (await this.token(user))!;
    const source = spec.tokenSources[0];
    if (source) put(parts, source, value);
    return parts;
  }
}

function put(parts: HandshakeParts, source: { in: 'auth' | 'headers' | 'query'; name: string }, value: string): void {
  if (source.in === 'auth') (parts.auth ??= {})[source.name] = value;
  else if (source.in === 'query') (parts.query ??= {})[source.name] = value;
  else (parts.extraHeaders ??= {})[source.name] = value;
}
