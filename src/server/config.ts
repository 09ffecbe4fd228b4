/** Server configuration from flags and environment, with the embedded defaults. */
import { readFileSync } from 'node:fs';
import { DEV_SECRET, type JwtKey } from '../auth/keys.js';

/** The JWT key: `--jwt-public-key` (RS256) if given, else an HS256 secret from the flag, PARLEY_JWT_SECRET or the dev default. */
export function jwtKeyFromOptions(options: { jwtSecret?: string; jwtPublicKey?: string; jwtPrivateKey?: string }): JwtKey {
  if (options.jwtPublicKey) {
    return {
      algorithm: 'RS256',
      publicKeyPem: readFileSync(options.jwtPublicKey, 'utf8'),
      privateKeyPem: options.jwtPrivateKey ? readFileSync(options.jwtPrivateKey, 'utf8') : undefined,
    };
  }
  // An empty variable is an unset one (`PARLEY_JWT_SECRET= parley serve`), not an empty key.
  const secret = options.jwtSecret || process.env.PARLEY_JWT_SECRET || DEV_SECRET;
  if (secret.length < MIN_SECRET_LENGTH) throw new ConfigError(`the JWT secret must be at least ${MIN_SECRET_LENGTH} characters (HS256 keys shorter than the hash are guessable)`);
  return { algorithm: 'HS256', secret };
}

/** HS256 wants a key at least as long as its 256-bit hash. */
export const MIN_SECRET_LENGTH = 32;

/** A configuration mistake, said to the user as it is. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
