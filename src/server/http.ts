/**
 * A small HTTP router for the companion endpoints (health, media, the protocols' REST routes):
 * JSON in and out, bearer-token auth, size limits, and errors mapped to statuses. Socket.IO
 * handles its own path on the same server before requests reach it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ChatError } from '../core/errors.js';
import { ProtocolError } from '../../generated/runtime/errors.js';
import type { Logger } from './logger.js';

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
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
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

/** Reads a JSON object body (400 if it is not one). */
export async function readJson(request: IncomingMessage, limit = 64 * 1024): Promise<Record<string, unknown>> {
  const body = await readBody(request, limit);
  try {
    const value = JSON.parse(body.toString('utf8')) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new HttpError(400, 'the body must be a JSON object');
}

/** The bearer token of a request (`Authorization: Bearer …`), if any. */
export function bearerToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

function compile(path: string): { re: RegExp; names: string[] } {
  const names: string[] = [];
  const source = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\?:([A-Za-z_]+)/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { re: new RegExp(`^${source}$`), names };
}

/** The request listener for a set of routes. */
export function createRequestHandler(routes: readonly Route[], logger: Logger): (request: IncomingMessage, response: ServerResponse) => void {
  const compiled = routes.map((route) => ({ route, ...compile(route.path) }));
  return (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const matching = compiled.filter((c) => c.re.test(url.pathname));
    const found = matching.find((c) => c.route.method === request.method);
    if (!found) {
      sendJson(response, matching.length ? 405 : 404, { error: matching.length ? `${request.method} is not allowed here` : 'not found' });
      return;
    }
    const values = found.re.exec(url.pathname)!.slice(1);
    const params = Object.fromEntries(found.names.map((n, i) => [n, decodeURIComponent(values[i]!)]));
    Promise.resolve()
      .then(() => found.route.handle(request, response, params, url))
      .catch((error: unknown) => {
        const status = error instanceof HttpError || error instanceof ChatError || error instanceof ProtocolError ? error.status : 500;
        if (status === 500) logger.error({ err: error, path: url.pathname }, 'request failed');
        if (!response.headersSent) sendJson(response, status, { error: status === 500 ? 'internal error' : (error as Error).message });
        else response.destroy();
      });
  };
}
