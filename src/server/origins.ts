/**
 * Which web pages may talk to a server. Browsers send `Origin` with every cross-origin request
 * and websocket; other clients (servers, mobile apps, CLI tools) send none and are not concerned.
 * Without a policy any page a user visits could open a socket with the user's token at hand, or,
 * in trust mode, as anyone. One policy serves Socket.IO (both transports) and the HTTP endpoints.
 */
import type { IncomingMessage } from 'node:http';

export interface OriginPolicyOptions {
  /**
   * Origins allowed besides the server's own (`https://app.example.com`), or `*` for any. When
   * given, it replaces the development default.
   */
  readonly allowed?: readonly string[];
  /** In production nothing cross-origin is allowed unless listed; in development, localhost pages are. */
  readonly production?: boolean;
}

export interface OriginPolicy {
  /** Whether a request (a handshake, an HTTP call) may proceed: no Origin, the same origin, or an allowed one. */
  admits(request: Pick<IncomingMessage, 'headers'>): boolean;
  /** Whether a cross-origin page may read responses (CORS): listed origins, or localhost in development. */
  allowsCrossOrigin(origin: string): boolean;
  /** What the policy is, for the start banner and logs. */
  readonly description: string;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The origin of a URL-like string, normalised (`HTTPS://App.Example.com:443/` → `https://app.example.com`), or undefined. */
export function normalizeOrigin(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/** Reads `--allowed-origins` / PARLEY_ALLOWED_ORIGINS: a comma-separated list; throws on an entry that is not an origin. */
export function parseAllowedOrigins(text: string): string[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      if (entry === '*') return entry;
      const origin = normalizeOrigin(entry);
      const url = origin ? new URL(entry) : undefined;
      if (!origin || url!.pathname !== '/' || url!.search || url!.hash) throw new Error(`'${entry}' is not an origin: http(s)://host[:port], nothing after it`);
      return origin;
    });
}

export function originPolicy(options: OriginPolicyOptions = {}): OriginPolicy {
  const listed = new Set((options.allowed ?? []).map((o) => (o === '*' ? o : (normalizeOrigin(o) ?? o))));
  const any = listed.has('*');
  const localhost = options.allowed === undefined && !options.production;
  const allowsCrossOrigin = (origin: string): boolean => {
    if (any) return true;
    const normal = normalizeOrigin(origin);
    if (!normal) return false;
    return listed.has(normal) || (localhost && LOCAL_HOSTS.has(new URL(normal).hostname));
  };
  return {
    admits(request) {
      const origin = request.headers.origin;
      if (origin === undefined) return true;
      const normal = normalizeOrigin(origin);
      // Same origin: the page was served by this host. `null` (sandboxed frames, file:) never is.
      if (normal && new URL(normal).host === request.headers.host) return true;
      return allowsCrossOrigin(origin);
    },
    allowsCrossOrigin,
    description: any ? 'any origin' : [...listed, ...(localhost ? ['same-origin', 'localhost (development)'] : ['same-origin'])].join(', '),
  };
}
