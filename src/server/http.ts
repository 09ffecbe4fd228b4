/**
 * A small HTTP router for the companion endpoints (health, media, the protocols' REST routes):
 * JSON in and out, bearer-token auth, size limits, and errors mapped to statuses. Socket.IO
 * handles its own path on the same server before requests reach it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ChatError } from '../core/errors.js';
import { illFormedText, ProtocolError } from '../runtime/errors.js';
import type { Logger } from './logger.js';
import { originPolicy, type OriginPolicy } from './origins.js';

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface Route {
  readonly method: Method;
  /** A path with `:name` parameters: `/api/v1/chat/threads/:userid`. */
  readonly path: string;
  handle(request: IncomingMessage, response: ServerResponse, params: Readonly<Record<string, string>>, url: URL): Promise<void> | void;
}

/** An HTTP failure with its status; the body is `{ error: message }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** More for the body beside `error` (the problems of an invalid payload…). */
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Bytes in a JSON body are shown by their size, never as an array of numbers. */
function binaryAsSize(this: Record<string, unknown>, key: string, value: unknown): unknown {
  // `this[key]` is the value before its toJSON (a Buffer's gives an array of numbers).
  const raw = this[key];
  return raw instanceof Uint8Array ? { binary: raw.byteLength } : value;
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, binaryAsSize);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  response.end(text);
}

/** Reads a request body up to `limit` bytes (413 beyond). */
export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) throw new HttpError(413, `the body is over ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, `the body is over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Reads a JSON object body: 400 if it is not one, or if a string in it is not well-formed Unicode; an empty body is `{}`. */
export async function readJson(request: IncomingMessage, limit = 64 * 1024): Promise<Record<string, unknown>> {
  const body = await readBody(request, limit);
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    value = undefined;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new HttpError(400, 'the body must be a JSON object');
  const illFormed = illFormedText(value);
  if (illFormed !== undefined) throw new HttpError(400, `${illFormed} is not well-formed Unicode (a lone surrogate)`);
  return value as Record<string, unknown>;
}

/** The bearer token of a request (`Authorization: Bearer …`), if any. */
export function bearerToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

/**
 * The request target as a URL, for every HTTP entry point (the servers' routes, the mock's control
 * API). Node hands the target over unparsed; `new URL` throws on some (`//`, `//[`, `http://[`),
 * and a thrown error in a request listener ends the process. Origin-form targets (`/path?q`) are
 * read against a fixed base so that `//x` stays a path, never a host; absolute-form targets
 * (proxies) are accepted when they parse. Anything else is a 400.
 */
export function parseRequestTarget(target: string | undefined): URL {
  const raw = target ?? '/';
  let url: URL | undefined;
  try {
    url = raw.startsWith('/') ? new URL(`http://localhost${raw}`) : /^https?:\/\//i.test(raw) ? new URL(raw) : undefined;
  } catch {
    url = undefined;
  }
  if (!url) throw new HttpError(400, 'malformed request target');
  return url;
}

/** A percent-decoded path segment; a malformed escape (`%E0%A4%A`) is the client's mistake, a 400. */
export function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, `malformed percent-escape in the path: ${JSON.stringify(segment.slice(0, 100))}`);
  }
}

function compile(path: string): { re: RegExp; names: string[] } {
  const names: string[] = [];
  const source = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\?:([A-Za-z_]+)/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { re: new RegExp(`^${source}$`), names };
}

/** The status and body of a failed request; unexpected errors are logged and hidden as 500. */
export function failureResponse(error: unknown): { status: number; message: string } {
  const status = error instanceof HttpError || error instanceof ChatError || error instanceof ProtocolError ? error.status : 500;
  return { status, message: status === 500 ? 'internal error' : (error as Error).message };
}

/**
 * The request listener for a set of routes. Everything about the request (target, escapes,
 * origin, method) is checked here, before any route runs, and every failure, synchronous or not,
 * becomes a response: no request can throw out of the listener.
 */
export function createRequestHandler(
  routes: readonly Route[],
  logger: Logger,
  origins: OriginPolicy = originPolicy(),
  /** What a 404 says (where to look instead). */
  notFound = 'not found',
): (request: IncomingMessage, response: ServerResponse) => void {
  const compiled = routes.map((route) => ({ route, ...compile(route.path) }));
  const fail = (response: ServerResponse, error: unknown, path: string) => {
    const { status, message } = failureResponse(error);
    if (status === 500) logger.error({ err: error, path }, 'request failed');
    if (!response.headersSent) sendJson(response, status, { error: message, ...(error instanceof HttpError ? error.details : undefined) });
    else response.destroy();
  };
  return (request, response) => {
    let path = '';
    Promise.resolve()
      .then(() => {
        const url = parseRequestTarget(request.url);
        path = url.pathname;
        if (!origins.admits(request)) throw new HttpError(403, 'origin not allowed');
        const origin = request.headers.origin;
        if (origin !== undefined && origins.allowsCrossOrigin(origin)) {
          response.setHeader('access-control-allow-origin', origin);
          response.setHeader('vary', 'Origin');
        }
        const matching = compiled.filter((c) => c.re.test(path));
        if (request.method === 'OPTIONS' && matching.length) {
          // A CORS preflight: the methods of this path, and the headers its routes read.
          response.writeHead(204, {
            'access-control-allow-methods': [...new Set(matching.map((c) => c.route.method))].join(', '),
            'access-control-allow-headers': 'authorization, content-type',
            'access-control-max-age': '600',
          });
          response.end();
          return;
        }
        // A HEAD is a GET without its body (Node leaves the body out of a HEAD's response).
        const method = request.method === 'HEAD' ? 'GET' : request.method;
        const found = matching.find((c) => c.route.method === method);
        if (!found) throw new HttpError(matching.length ? 405 : 404, matching.length ? `${String(request.method)} is not allowed here` : notFound);
        const values = found.re.exec(path)!.slice(1);
        const params = Object.fromEntries(found.names.map((n, i) => [n, decodePathSegment(values[i]!)]));
        return found.route.handle(request, response, params, url);
      })
      .catch((error: unknown) => fail(response, error, path));
  };
}
