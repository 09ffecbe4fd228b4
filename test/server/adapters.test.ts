/**
 * The adapter registry: one adapter of one shape per protocol, found statically, each serving
 * the HTTP paths its protocol documents (docs/*-http.md).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADAPTERS, adapterOf } from '../../src/server/adapters.js';
import type { AdapterDeps } from '../../src/server/adapter.js';
import { createLogger } from '../../src/server/logger.js';
import { startProtocolServer } from '../../src/server/protocol-server.js';
import { PROTOCOL_NAMES } from '../../src/server/protocols.js';
import { TEST_KEY } from '../helpers/servers.js';
import { loadSpec } from '../helpers/specs.js';

/** Dependencies enough to build an adapter's parts (nothing is served, so no core is used). */
const depsOf = (protocol: string): AdapterDeps => ({
  core: undefined as never,
  model: loadSpec(protocol).model,
  logger: createLogger({ level: 'silent' }),
  auth: { key: TEST_KEY, mode: 'jwt' },
  publicUrl: () => 'http://127.0.0.1:1',
  attachOptions: {},
});

describe('the adapter registry', () => {
  it('has an adapter for each protocol, and nothing else', () => {
    expect(Object.keys(ADAPTERS).sort()).toEqual([...PROTOCOL_NAMES].sort());
    for (const protocol of PROTOCOL_NAMES) expect(adapterOf(protocol)).toBe(ADAPTERS[protocol as keyof typeof ADAPTERS]);
  });

  it('refuses a name that is no protocol, naming the protocols', () => {
    expect(() => adapterOf('irc')).toThrow("no reference server for 'irc' (the protocols: messenger, rooms, marketplace, teamchat)");
    expect(() => adapterOf('toString')).toThrow(/no reference server/);
  });

  it.each([
    [
      'messenger',
      [
        'GET /api/v1/chat/threads/:userid',
        'GET /api/v1/chat/chatHistory/:userid/:otherUserid',
        'PATCH /api/v1/chat/markAsRead',
        'GET /api/v1/chat/unreadCount/:userid',
        'GET /media/:id',
      ],
    ],
    ['rooms', []],
    ['marketplace', ['POST /api/v1/chat/media', 'GET /media/:id']],
    ['teamchat', ['POST /api/v1/media', 'GET /media/:id']],
  ])('%s: the same shape, and the routes its protocol documents', (protocol, routes) => {
    const adapter = adapterOf(protocol)(depsOf(protocol));
    expect(adapter.serverOptions).toBeTypeOf('object');
    expect(adapter.attach).toBeTypeOf('function');
    expect(adapter.routes().map((r) => `${r.method} ${r.path}`)).toEqual(routes);
  });

  it('starts no server for a name that is no protocol', async () => {
    await expect(
      startProtocolServer({ protocol: 'irc', port: 0, core: undefined as never, auth: { key: TEST_KEY }, logger: createLogger({ level: 'silent' }) }),
    ).rejects.toThrow(/no reference server for 'irc'/);
  });

  // The services are private (the compiler holds that); the store is public for tests and tools.
  it('leaves the store to the core: no adapter names `.database`', () => {
    const root = join(import.meta.dirname, '../../src');
    const offending = PROTOCOL_NAMES.flatMap((protocol) =>
      readdirSync(join(root, protocol), { recursive: true, encoding: 'utf8' })
        .filter((file) => file.endsWith('.ts') && /\.database\b/.test(readFileSync(join(root, protocol, file), 'utf8')))
        .map((file) => `${protocol}/${file}`),
    );
    expect(offending).toEqual([]);
  });
});
