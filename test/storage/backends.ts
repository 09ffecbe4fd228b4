/**
 * Runs a suite against every storage backend: SQLite (a temp file) always, PostgreSQL when
 * DATABASE_URL is set. Each suite gets stores of its own (a temp folder, or a schema with a
 * random name dropped afterwards), so test files run in parallel without seeing each other.
 *
 * Without DATABASE_URL the PostgreSQL suites are skipped, and their name says why; with
 * CI=true they fail instead, since a CI run that silently skipped PostgreSQL would prove
 * nothing about it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ChatCore, type ChatCoreOptions } from '../../src/core/chat-core.js';
import { openDatabase, type Database, type OpenDatabaseOptions } from '../../src/storage/database.js';

export const DATABASE_URL = process.env.DATABASE_URL;
const IN_CI = process.env.CI === 'true';

export interface Backend {
  name: 'sqlite' | 'postgresql';
  /** Opens a new, empty, migrated store (each call: a new file or schema). */
  openDatabase(options?: OpenDatabaseOptions): Promise<Database>;
  /** Opens the store `database` was opened on again (restart durability). */
  reopen(database: Database, options?: OpenDatabaseOptions): Promise<Database>;
  /** Closes everything this backend opened and removes it. */
  cleanup(): Promise<void>;
}

export function sqliteBackend(): Backend {
  // Made on first use: a suite filtered out or skipped never runs its cleanup hook.
  let dir: string | undefined;
  const opened: Database[] = [];
  const files = new Map<Database, string>();
  let count = 0;
  const open = async (file: string, options?: OpenDatabaseOptions) => {
    const database = await openDatabase(`sqlite:${file}`, options);
    opened.push(database);
    files.set(database, file);
    return database;
  };
  return {
    name: 'sqlite',
    openDatabase: (options) => open(join((dir ??= mkdtempSync(join(tmpdir(), 'parley-test-'))), `store-${++count}`, 'parley.db'), options),
    reopen: (database, options) => open(files.get(database)!, options),
    async cleanup() {
      await Promise.all(opened.map((d) => d.close()));
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresBackend(url: string): Backend {
  const opened: Database[] = [];
  const schemas = new Map<Database, string>();
  const open = async (schema: string, options?: OpenDatabaseOptions) => {
    const database = await openDatabase(url, { ...options, schema, poolSize: 5 });
    opened.push(database);
    schemas.set(database, schema);
    return database;
  };
  return {
    name: 'postgresql',
    openDatabase: (options) => open(`parley_test_${randomBytes(6).toString('hex')}`, options),
    reopen: (database, options) => open(schemas.get(database)!, options),
    async cleanup() {
      await Promise.all(opened.map((d) => d.close()));
      const pool = new pg.Pool({ connectionString: url, max: 1 });
      try {
        for (const schema of new Set(schemas.values())) await pool.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await pool.end();
      }
    },
  };
}

/**
 * `describe(title)` once per backend, with that backend. Stores opened through it are closed
 * and removed after the suite.
 */
export function describeEachBackend(title: string, suite: (backend: Backend) => void): void {
  describe(`${title} [sqlite]`, () => {
    const backend = sqliteBackend();
    afterAll(() => backend.cleanup());
    suite(backend);
  });

  if (DATABASE_URL === undefined && IN_CI) {
    describe(`${title} [postgresql]`, () => {
      it('runs: CI=true requires DATABASE_URL', () => {
        throw new Error('DATABASE_URL is not set, and CI=true: the PostgreSQL suites must run in CI, not be skipped');
      });
    });
    return;
  }
  const name = DATABASE_URL === undefined ? `${title} [postgresql: skipped, DATABASE_URL not set]` : `${title} [postgresql]`;
  describe.skipIf(DATABASE_URL === undefined)(name, () => {
    // Built lazily: a skipped suite never connects.
    let backend: Backend | undefined;
    const lazy: Backend = {
      name: 'postgresql',
      openDatabase: (options) => (backend ??= postgresBackend(DATABASE_URL!)).openDatabase(options),
      reopen: (database, options) => (backend ??= postgresBackend(DATABASE_URL!)).reopen(database, options),
      cleanup: async () => backend?.cleanup(),
    };
    afterAll(() => lazy.cleanup());
    suite(lazy);
  });
}

/**
 * A `ChatCore` on a fresh store of `backend`, opened before the suite's tests; the getter
 * returns it inside tests.
 */
export function useCore(backend: Backend, options: ChatCoreOptions & OpenDatabaseOptions = {}): () => ChatCore {
  let core: ChatCore | undefined;
  beforeAll(async () => {
    core = new ChatCore(await backend.openDatabase(options), options);
  });
  return () => {
    if (core === undefined) throw new Error('useCore: the core is opened in beforeAll; call the getter inside a test');
    return core;
  };
}
