/**
 * A reference server of one protocol, for tests: real Socket.IO on 127.0.0.1 and an ephemeral
 * port, a real store from a test backend (SQLite file, or a PostgreSQL schema), real JWTs.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatCore } from '../../src/core/chat-core.js';
import { LocalMediaStore } from '../../src/core/media-store.js';
import type { AuthMode } from '../../src/auth/authenticator.js';
import type { JwtKey } from '../../src/auth/keys.js';
import type { FlowControlOptions } from '../../src/runtime/flow-control.js';
import { mintToken, type TokenRequest } from '../../src/auth/tokens.js';
import { createLogger, type LogLevel } from '../../src/server/logger.js';
import { startProtocolServer, type RunningProtocolServer } from '../../src/server/protocol-server.js';
import type { Database } from '../../src/storage/database.js';
import type { Backend } from '../storage/backends.js';
import { loadSpec } from './specs.js';

export const TEST_KEY: JwtKey = { algorithm: 'HS256', secret: 'parley-test-secret-0123456789abcdef' };

export interface TestProtocolServer {
  readonly url: string;
  readonly core: ChatCore;
  readonly server: RunningProtocolServer;
  /** A valid token for a user (marketplace: pass `{ type: 'customer' }`). */
  token(user: string, attributes?: TokenRequest['attributes'], claims?: TokenRequest['claims']): Promise<string>;
  /** Stops the server and closes the store, then starts again on the same store (durability). */
  restart(): Promise<TestProtocolServer>;
  close(): Promise<void>;
}

export interface StartOptions {
  readonly authMode?: AuthMode;
  readonly mediaMaxBytes?: number;
  /** The JWT key (default {@link TEST_KEY}). */
  readonly key?: JwtKey;
  readonly flowControl?: FlowControlOptions | false;
  readonly allowedOrigins?: readonly string[];
}

/** Starts `protocol`'s reference server on a fresh store of `backend`. */
export async function startTestServer(protocol: string, backend: Backend, options: StartOptions = {}): Promise<TestProtocolServer> {
  const database = await backend.openDatabase();
  const mediaDir = mkdtempSync(join(tmpdir(), `parley-media-${protocol}-`));
  return start(protocol, backend, database, mediaDir, options);
}

async function start(protocol: string, backend: Backend, database: Database, mediaDir: string, options: StartOptions): Promise<TestProtocolServer> {
  const core = new ChatCore(database, { mediaStore: new LocalMediaStore(mediaDir, { maxBytes: options.mediaMaxBytes }) });
  const server = await startProtocolServer({
    protocol,
    port: 0,
    core,
    auth: { key: options.key ?? TEST_KEY, mode: options.authMode ?? 'jwt' },
    flowControl: options.flowControl,
    allowedOrigins: options.allowedOrigins,
    logger: createLogger({ level: (process.env.LOG_LEVEL as LogLevel | undefined) ?? 'silent' }),
    validateOutgoing: true,
    // A handler that does not follow its spec's sequence fails the test run, naming the event.
    checkSequences: 'throw',
  });
  const { model } = loadSpec(protocol);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await server.close();
    await core.close();
  };
  return {
    url: server.url,
    core,
    server,
    token: (user, attributes, claims) => mintToken(model, options.key ?? TEST_KEY, { user, attributes, claims }),
    async restart() {
      await close();
      return start(protocol, backend, await backend.reopen(database), mediaDir, options);
    },
    close,
  };
}
