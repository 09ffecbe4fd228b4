/** JWT keys: an HS256 secret by default, an RS256 public key (PEM) as the option. */
import { importPKCS8, importSPKI, type CryptoKey, type KeyObject } from 'jose';

export type JwtKey =
  | { readonly algorithm: 'HS256'; readonly secret: string }
  | { readonly algorithm: 'RS256'; readonly publicKeyPem: string; readonly privateKeyPem?: string };

/** The `iss` of tokens when the deployment names none (`--jwt-issuer`, PARLEY_JWT_ISSUER). */
export const DEFAULT_ISSUER = 'parley';

/** How far a token's `exp`, `nbf` and `iat` may be off the server's clock, for clocks a little apart. */
export const CLOCK_TOLERANCE_SECONDS = 30;

/** The secret the dev server uses when none is given: fine on a laptop, refused in production. */
export const DEV_SECRET = 'parley-dev-secret-change-me-0123456789';

export function verificationKey(key: JwtKey): Promise<Uint8Array | CryptoKey | KeyObject> {
  return key.algorithm === 'HS256' ? Promise.resolve(new TextEncoder().encode(key.secret)) : importSPKI(key.publicKeyPem, 'RS256');
}

export function signingKey(key: JwtKey): Promise<Uint8Array | CryptoKey | KeyObject> {
  if (key.algorithm === 'HS256') return Promise.resolve(new TextEncoder().encode(key.secret));
  if (!key.privateKeyPem) throw new Error('signing an RS256 token needs the private key');
  return importPKCS8(key.privateKeyPem, 'RS256');
}
