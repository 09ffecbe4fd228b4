/**
 * No HTTP request can kill or wedge a server: malformed request targets and percent-escapes on
 * every route of every protocol are answered 400 (never 5xx), and the process keeps serving.
 * Requests go over raw TCP, byte for byte as an attacker sends them (Node's client refuses some).
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOLS } from '../helpers/specs.js';
import { startTestServer, type TestProtocolServer } from '../helpers/servers.js';
import { sqliteBackend } from '../storage/backends.js';

/** Sends one raw HTTP/1.1 request; resolves with the status (0 when the server closed without one). */
export function rawRequest(url: string, requestLine: string, headers: readonly string[] = [], body = ''): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.setTimeout(5000, () => socket.destroy(new Error(`no answer to ${requestLine}`)));
    socket.on('connect', () => {
      const head = [requestLine, `Host: ${hostname}:${port}`, 'Connection: close', ...headers, ...(body ? [`Content-Length: ${Buffer.byteLength(body)}`] : [])];
      socket.write(`${head.join('\r\n')}\r\n\r\n${body}`);
    });
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text });
    });
  });
}

/** Request targets that `new URL` or a naive router chokes on. */
const TARGETS = ['//', '//[', '//[::1', 'http://[', 'http://', '///etc/passwd', '//example.com/healthz', '/%', '/%%', '/%zz', '/%E0%A4%A', '/%ED%A0%80', '/%00', '/..%2F..%2F', '*'];

/** Escapes a route parameter can arrive with that `decodeURIComponent` refuses. */
const BAD_ESCAPES = ['%E0%A4%A', '%', '%zz', '%ED%A0%80', '%C0%AF', '%FF'];

describe.each(PROTOCOLS)('%s: malformed HTTP requests', (protocol) => {
  const backend = sqliteBackend();
  let server: TestProtocolServer;
  beforeAll(async () => {
    server = await startTestServer(protocol, backend);
  });
  afterAll(async () => {
    await server.close();
    await backend.cleanup();
  });

  const healthy = async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
  };

  it.each(TARGETS)('request target %s: a 4xx, and the server keeps serving', async (target) => {
    for (const method of ['GET', 'POST', 'OPTIONS']) {
      const { status } = await rawRequest(server.url, `${method} ${target} HTTP/1.1`);
      expect(status, `${method} ${target}`).toBeGreaterThanOrEqual(400);
      expect(status, `${method} ${target}`).toBeLessThan(500);
    }
    await healthy();
  });

  it('malformed escapes in every parameter of every route: 400 naming the escape, before any route runs', async () => {
    const routes = server.server.routes.filter((r) => r.path.includes(':'));
    if (protocol === 'rooms') expect(routes).toEqual([]);
    else expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) {
      for (const escape of BAD_ESCAPES) {
        const path = route.path.replace(/:[A-Za-z_]+/g, escape);
        const { status, text } = await rawRequest(server.url, `${route.method} ${path} HTTP/1.1`, ['Authorization: Bearer x']);
        expect(status, `${route.method} ${path}`).toBe(400);
        expect(text).toContain('malformed percent-escape');
      }
    }
    await healthy();
  });

  it('malformed escapes and odd queries on every route without parameters: never a 5xx', async () => {
    for (const route of server.server.routes.filter((r) => !r.path.includes(':'))) {
      for (const suffix of ['%E0%A4%A', '?token=%E0%A4%A', '?%=%', '?token=' + 'a'.repeat(10_000), '/../../', '//']) {
        const { status } = await rawRequest(server.url, `${route.method} ${route.path}${suffix} HTTP/1.1`);
        expect(status, `${route.method} ${route.path}${suffix}`).toBeGreaterThan(0);
        expect(status, `${route.method} ${route.path}${suffix}`).toBeLessThan(500);
      }
    }
    await healthy();
  });

  it('request lines and headers Node itself refuses: 400 from the parser, server up', async () => {
    for (const line of ['GET / HTTP/9.9', 'GET /\u0000 HTTP/1.1', 'BREW / HTTP/1.1', 'GET', `GET /${'a'.repeat(20_000)} HTTP/1.1`]) {
      const { status } = await rawRequest(server.url, line);
      expect([0, 400, 404, 405, 414, 431, 505], line).toContain(status);
    }
    await healthy();
  });

  it('JSON bodies that are not objects, or hold lone surrogates: 400, never a 5xx', async () => {
    const bodied = server.server.routes.filter((r) => r.method !== 'GET');
    for (const route of bodied) {
      const path = route.path.replace(/:[A-Za-z_]+/g, 'x');
      for (const body of ['[', 'null', '[]', '"x"', '{"userid":"\\ud800","otheruserid":"\\udfff"}', '{"a":' + '['.repeat(5000)]) {
        const { status } = await rawRequest(server.url, `${route.method} ${path} HTTP/1.1`, ['Content-Type: application/json'], body);
        expect(status, `${route.method} ${path} ${body.slice(0, 40)}`).toBeGreaterThanOrEqual(400);
        expect(status, `${route.method} ${path} ${body.slice(0, 40)}`).toBeLessThan(500);
      }
    }
    await healthy();
  });
});
