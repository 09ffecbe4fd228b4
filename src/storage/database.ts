/**
 * The one entry point to storage: `openDatabase(url)` gives a migrated `Database` whatever the
 * backend, and `Database` is how the core runs queries and transactions on it.
 */
import { sql, type Kysely } from 'kysely';
import { parseDatabaseUrl } from './database-url.js';
import type { Dialect } from './dialect.js';
import { InFlight } from './in-flight.js';
import { isRetryableConflict } from './errors.js';
import { migrateToLatest } from './migrations.js';
import { openPostgres, type PostgresOptions } from './postgres.js';
import type { Schema } from './schema.js';
import { openSqlite, type SqliteOptions } from './sqlite.js';

export type { Dialect } from './dialect.js';

export interface OpenDatabaseOptions extends SqliteOptions, PostgresOptions {}

/** How many times a PostgreSQL transaction that lost a deadlock or serialization race is run. */
const MAX_ATTEMPTS = 3;

/**
 * The most calls one SQLite group commit runs: bounds how long the last of them waits (and
 * how long the write lock is held) when many arrive at once.
 */
export const MAX_GROUP = 64;

/** A `transactGrouped` call waiting for its group's commit. */
interface GroupedCall {
  fn: (trx: Kysely<Schema>) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** Set once `fn` has run in its savepoint; reported only after the group's commit. */
  outcome?: { value: unknown } | { error: unknown };
}

/**
 * A migrated database. Every query goes through `read` or `transact`, which is what lets
 * `close()` wait for the work in flight instead of cutting it off.
 */
export class Database {
  readonly #db: Kysely<Schema>;
  readonly #inFlight = new InFlight();
  /** SQLite: the `transactGrouped` calls waiting for the next group. */
  readonly #queued: GroupedCall[] = [];
  /** SQLite: whether a group is being run (the next one starts when it ends). */
  #grouping = false;
  #closed: Promise<void> | undefined;

  constructor(
    db: Kysely<Schema>,
    readonly dialect: Dialect,
    /** PostgreSQL: the schema holding the tables. */
    readonly schema?: string,
  ) {
    this.#db = db;
  }

  /** Whether `close()` has been called. */
  get closed(): boolean {
    return this.#closed !== undefined;
  }

  /**
   * Runs queries outside a transaction (reads, single statements).
   *
   * @example
   * const count = await database.read((db) => db.selectFrom('users').select(db.fn.countAll().as('n')).executeTakeFirst());
   */
  read<T>(fn: (db: Kysely<Schema>) => Promise<T>): Promise<T> {
    return this.#track(() => fn(this.#db));
  }

  /**
   * Runs `fn` in a transaction and resolves after the commit. `fn` must use only the `trx` it
   * is given. In PostgreSQL, `fn` may run again (up to three times) when the transaction lost a
   * deadlock or serialization race, so it must not have side effects outside the database.
   *
   * SQLite transactions start with `BEGIN IMMEDIATE`: they take the write lock up front, so two
   * processes writing the same file wait for each other (busy_timeout) instead of failing with
   * SQLITE_BUSY when a read lock cannot be upgraded.
   */
  transact<T>(fn: (trx: Kysely<Schema>) => Promise<T>): Promise<T> {
    return this.#track(async () => {
      if (this.dialect === 'sqlite') {
        // One connection (Kysely serializes its use); hold it for the whole transaction.
        return this.#db.connection().execute(async (conn) => {
          await sql`begin immediate`.execute(conn);
          try {
            const result = await fn(conn);
            await sql`commit`.execute(conn);
            return result;
          } catch (error) {
            await sql`rollback`.execute(conn).catch(() => {});
            throw error;
          }
        });
      }
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.#db.transaction().execute(fn);
        } catch (error) {
          if (attempt >= MAX_ATTEMPTS || !isRetryableConflict(error)) throw error;
        }
      }
    });
  }

  /**
   * Like `transact`, but in SQLite the calls that arrive while a group is running are run
   * together in the next transaction (at most `MAX_GROUP`, in call order), each in its own
   * savepoint, and committed once: one fsync and one `BEGIN`/`COMMIT` for the group instead of
   * one per call. A call that throws rolls back its savepoint only and rejects alone; every
   * call resolves only after the shared commit, and all of them reject if it fails.
   *
   * PostgreSQL: the same as `transact` (its pool runs transactions in parallel and the server
   * groups commits in its WAL itself).
   *
   * `fn` must use only the `trx` it is given, and must not leave anything to undo outside the
   * database: its result is kept until the commit, and a failed commit drops it.
   */
  transactGrouped<T>(fn: (trx: Kysely<Schema>) => Promise<T>): Promise<T> {
    if (this.dialect !== 'sqlite') return this.transact(fn);
    return this.#track(
      () =>
        new Promise<T>((resolve, reject) => {
          this.#queued.push({ fn, resolve: resolve as (value: unknown) => void, reject });
          if (!this.#grouping) void this.#runGroups();
        }),
    );
  }

  /**
   * Runs groups until none is queued. Not tracked itself: the calls it runs are, so `close()`
   * waits for it.
   */
  async #runGroups(): Promise<void> {
    this.#grouping = true;
    try {
      while (this.#queued.length > 0) await this.#runGroup();
    } finally {
      this.#grouping = false;
    }
  }

  /** One group: a transaction, a savepoint per call, one commit, then every call settled. */
  async #runGroup(): Promise<void> {
    let group: GroupedCall[] | undefined;
    try {
      await this.#db.connection().execute(async (conn) => {
        // Taken once the connection is ours: the calls that queued while waiting for it join.
        group = this.#queued.splice(0, MAX_GROUP);
        await sql`begin immediate`.execute(conn);
        try {
          for (const call of group) await runInSavepoint(conn, call);
          await sql`commit`.execute(conn);
        } catch (error) {
          await sql`rollback`.execute(conn).catch(() => {});
          throw error;
        }
      });
    } catch (error) {
      // Nothing of the group was committed (or the connection could not be had: the calls
      // that would have formed the group fail as their own transactions would have).
      for (const call of group ?? this.#queued.splice(0, MAX_GROUP)) call.reject(error);
      return;
    }
    for (const call of group ?? []) {
      if (call.outcome !== undefined && 'value' in call.outcome) call.resolve(call.outcome.value);
      else call.reject(call.outcome?.error);
    }
  }

  /**
   * Stops accepting work, waits for the queries and transactions in flight to finish, then
   * closes the connection(s). Idempotent.
   */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.#inFlight.drained();
      if (this.dialect === 'sqlite') {
        // Lets SQLite refresh the planner's statistics it found useful; cheap, and advised on close.
        await sql`pragma optimize`.execute(this.#db).catch(() => {});
      }
      await this.#db.destroy();
    })();
    return this.#closed;
  }

  #track<T>(run: () => Promise<T>): Promise<T> {
    return this.#inFlight.track(this.#closed !== undefined, run);
  }
}

/**
 * Runs one grouped call in a savepoint and keeps its outcome. Its failure undoes only its own
 * work; if even that cannot be undone (SQLite ended the whole transaction, as it does on some
 * I/O errors), the group fails.
 */
async function runInSavepoint(conn: Kysely<Schema>, call: GroupedCall): Promise<void> {
  await sql`savepoint grouped_call`.execute(conn);
  try {
    call.outcome = { value: await call.fn(conn) };
  } catch (error) {
    call.outcome = { error };
    try {
      await sql`rollback to grouped_call`.execute(conn);
    } catch {
      throw error;
    }
  }
  await sql`release grouped_call`.execute(conn);
}

/**
 * Opens the chat store named by `url` and brings its schema up to date.
 *
 * - `sqlite:./data/parley.db`, `./data/parley.db`, `file:///…`: an SQLite file (created, with
 *   its folder, if missing);
 * - `:memory:` or `sqlite::memory:`: a private in-memory SQLite database;
 * - `postgres://…` / `postgresql://…`: PostgreSQL (`options.schema` picks a schema).
 *
 * @example
 * const database = await openDatabase('sqlite:./data/parley.db');
 * // …
 * await database.close();
 */
export async function openDatabase(url: string, options: OpenDatabaseOptions = {}): Promise<Database> {
  const target = parseDatabaseUrl(url);
  if (target.dialect === 'sqlite') {
    const db = openSqlite(target.filename, options);
    try {
      await migrateToLatest(db, 'sqlite');
    } catch (error) {
      await db.destroy();
      throw error;
    }
    return new Database(db, 'sqlite');
  }
  const { db, schema } = await openPostgres(target.connectionString, options);
  try {
    await migrateToLatest(db, 'postgres', schema);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return new Database(db, 'postgres', schema);
}
