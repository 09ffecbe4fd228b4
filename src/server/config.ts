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
  return { algorithm: 'HS256', secret: options.jwtSecret ?? process.env.PARLEY_JWT_SECRET ?? DEV_SECRET };
}
