/** Server configuration from flags and environment, with the embedded defaults. */
import { readFileSync } from 'node:fs';
import { DEFAULT_ISSUER, DEV_SECRET, type JwtKey } from '../auth/keys.js';
import type { FlowControlOptions, Rate } from '../runtime/flow-control.js';

/**
 * The JWT key of a protocol: `--jwt-public-key` (RS256) if given, else an HS256 secret from the
 * flag, PARLEY_JWT_SECRET_<PROTOCOL> (a secret of its own per protocol), PARLEY_JWT_SECRET, or
 * the dev default.
 */
export function jwtKeyFromOptions(options: { jwtSecret?: string; jwtPublicKey?: string; jwtPrivateKey?: string }, protocol?: string): JwtKey {
  if (options.jwtPublicKey) {
    return {
      algorithm: 'RS256',
      publicKeyPem: readFileSync(options.jwtPublicKey, 'utf8'),
      privateKeyPem: options.jwtPrivateKey ? readFileSync(options.jwtPrivateKey, 'utf8') : undefined,
    };
  }
  // An empty variable is an unset one (`PARLEY_JWT_SECRET= parley serve`), not an empty key.
  const own = protocol === undefined ? undefined : process.env[protocolSecretVariable(protocol)];
  const secret = options.jwtSecret || own || process.env.PARLEY_JWT_SECRET || DEV_SECRET;
  if (secret.length < MIN_SECRET_LENGTH) throw new ConfigError(`the JWT secret must be at least ${MIN_SECRET_LENGTH} characters (HS256 keys shorter than the hash are guessable)`);
  return { algorithm: 'HS256', secret };
}

/** The environment variable of a protocol's own secret: PARLEY_JWT_SECRET_MESSENGER… */
export const protocolSecretVariable = (protocol: string): string => `PARLEY_JWT_SECRET_${protocol.toUpperCase()}`;

/** The issuer tokens must name: `--jwt-issuer`, else PARLEY_JWT_ISSUER, else the default. */
export function jwtIssuerFromOptions(option: string | undefined): string {
  return option || process.env.PARLEY_JWT_ISSUER || DEFAULT_ISSUER;
}

/** HS256 wants a key at least as long as its 256-bit hash. */
export const MIN_SECRET_LENGTH = 32;

/** A configuration mistake, said to the user as it is. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Flow control from `--rate-limit` entries (or PARLEY_RATE_LIMIT, comma-separated):
 * `RATE/BURST` for every event of a socket, `EVENT=RATE/BURST` for one event, `off` for none;
 * and `--user-rate-limit RATE/BURST|off` for all of a user's sockets together.
 */
export function flowControlFromOptions(entries: readonly string[] | undefined, user: string | undefined): FlowControlOptions | false {
  const list = entries ?? process.env.PARLEY_RATE_LIMIT?.split(',').map((e) => e.trim()).filter(Boolean) ?? [];
  if (list.includes('off')) {
    if (list.length > 1) throw new ConfigError("--rate-limit off goes alone");
    return false;
  }
  let socket: Rate | undefined;
  const events: Record<string, Rate> = {};
  for (const entry of list) {
    const eq = entry.indexOf('=');
    if (eq === -1) socket = parseRate(entry, '--rate-limit');
    else events[entry.slice(0, eq)] = parseRate(entry.slice(eq + 1), `--rate-limit ${entry.slice(0, eq)}`);
  }
  const perUser = user ?? process.env.PARLEY_USER_RATE_LIMIT;
  return {
    ...(socket ? { socket } : {}),
    ...(Object.keys(events).length ? { events } : {}),
    ...(perUser === undefined ? {} : { user: perUser === 'off' ? false : parseRate(perUser, '--user-rate-limit') }),
  };
}

function parseRate(text: string, what: string): Rate {
  const match = /^(\d+(?:\.\d+)?)\/(\d+)$/.exec(text.trim());
  const rate = Number(match?.[1]);
  const burst = Number(match?.[2]);
  if (!match || !(rate > 0) || !(burst >= 1)) throw new ConfigError(`${what}: '${text}' is not RATE/BURST (events a second / at once), e.g. 20/40`);
  return { rate, burst };
}
