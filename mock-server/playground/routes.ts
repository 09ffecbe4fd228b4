/**
 * Serves the playground: a page of plain HTML and one ES module (mock-server/playground/), and
 * socket.io-client's browser build from node_modules. No bundler.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Route } from '../../src/server/http.js';

const here = dirname(fileURLToPath(import.meta.url));
const clientDist = join(dirname(createRequire(import.meta.url).resolve('socket.io-client/package.json')), 'dist');

const FILES: Record<string, { file: string; type: string }> = {
  '/_mock/playground/': { file: join(here, 'index.html'), type: 'text/html; charset=utf-8' },
  '/_mock/playground/app.js': { file: join(here, 'app.js'), type: 'text/javascript; charset=utf-8' },
  '/_mock/playground/style.css': { file: join(here, 'style.css'), type: 'text/css; charset=utf-8' },
  '/_mock/playground/socket.io.esm.min.js': { file: join(clientDist, 'socket.io.esm.min.js'), type: 'text/javascript; charset=utf-8' },
};

const cache = new Map<string, Buffer>();

/** The playground's routes: its files, and `/` and `/_mock/playground` sending browsers to it. */
export function playgroundRoutes(): Route[] {
  const redirect = (path: string): Route => ({
    method: 'GET',
    path,
    handle(_request, response) {
      response.writeHead(302, { location: '/_mock/playground/' });
      response.end();
    },
  });
  const file = (path: string, entry: { file: string; type: string }): Route => ({
    method: 'GET',
    path,
    handle(_request, response) {
      let body = cache.get(entry.file);
      if (!body) {
        body = readFileSync(entry.file);
        // The playground's own files are read each time in development; the client build once.
        if (entry.file.startsWith(clientDist)) cache.set(entry.file, body);
      }
      response.writeHead(200, { 'content-type': entry.type, 'content-length': body.byteLength, 'cache-control': 'no-cache' });
      response.end(body);
    },
  });
  return [redirect('/'), redirect('/_mock/playground'), ...Object.entries(FILES).map(([path, entry]) => file(path, entry))];
}
