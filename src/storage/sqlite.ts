/**
 * The embedded store: one better-sqlite3 connection behind Kysely.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
import { queryLog, type QueryListener } from './query-log.js';
import type { Schema } from './schema.js';

export interface SqliteOptions {
  /** How long a write waits for another process's lock before failing (ms). */
  busyTimeoutMs?: number;
  /** Called after each query (logging, tests counting round trips). */
  onQuery?: QueryListener;
}

/**
 * Opens (creating it and its folder if needed) an SQLite database file, or `:memory:`.
 *
 * - WAL: readers never block the writer, and a commit is one append.
 * - synchronous=FULL: a message is acknowledged only after it is stored, so a commit must
 *   survive a power cut, not only a crash of this process (NORMAL would not promise that in
 *   WAL mode).
 * - foreign_keys: off by default in SQLite, and the schema relies on them.
 * - busy_timeout: another process (a CLI, a second server) holding the write lock makes a
 *   write wait instead of failing at once.
 */
export function openSqlite(filename: string, options: SqliteOptions = {}): Kysely<Schema> {
  const busyTimeoutMs = options.busyTimeoutMs ?? 5_000;
  if (filename !== ':memory:') mkdirSync(dirname(resolve(filename)), { recursive: true });
  const sqlite = new BetterSqlite3(filename, { timeout: busyTimeoutMs });
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  } catch (error) {
    sqlite.close();
    throw error;
  }
  return new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }), ...queryLog(options.onQuery) });
}

/** How many prepared statements are kept; the core's queries are a few dozen shapes. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely prepares every query anew; preparing is a fifth of a message's cost in SQLite. The
 * core's queries have few shapes (values are parameters), so statements are kept by their SQL
 * text and reused; better-sqlite3 statements are safe to run again once a run has finished,
 * and runs never overlap on this one synchronous connection.
 */
function withStatementCache(sqlite: BetterSqlite3): SqliteDatabase {
  const cache = new Map<string, ReturnType<BetterSqlite3['prepare']>>();
  return {
    close: () => sqlite.close(),
    prepare(source: string) {
      let statement = cache.get(source);
      if (statement === undefined) {
        statement = sqlite.prepare(source);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
        cache.set(source, statement);
      }
      return statement as unknown as SqliteStatement;
    },
  };
}
