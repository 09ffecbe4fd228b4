/**
 * `parley test`'s cases, registered through the library (contractTests), against each reference
 * server on SQLite: every case must pass. The servers also check their own emits against the
 * spec's sequences and throw on a deviation (checkSequences: 'throw').
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { contractTests } from '../../src/contract/index.js';
import { startTestServer, TEST_KEY, type TestProtocolServer } from '../helpers/servers.js';
import { PROTOCOLS } from '../helpers/specs.js';
import { sqliteBackend } from '../storage/backends.js';

describe.each(PROTOCOLS)('%s reference server', (protocol) => {
  let server: TestProtocolServer;
  beforeAll(async () => {
    server = await startTestServer(protocol, sqliteBackend());
  });
  afterAll(() => server.close());

  contractTests({ describe, it }, { spec: protocol, url: () => server.url, credentials: { kind: 'jwt', key: TEST_KEY }, seed: 11 });
});
