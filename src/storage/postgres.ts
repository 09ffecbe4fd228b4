/**
 * The server store: a `pg` pool behind Kysely.
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { queryLog, type QueryListener } from './query-log.js';
import type { Schema } from './schema.js';

export interface PostgresOptions {
  /**
   * The schema to keep the tables in, created if missing and made the connections'
   * `search_path`. Lets several stores share one database (the tests run one per file).
   */
  schema?: string;
  /** Connections in the pool. */
  poolSize?: number;
  /**
   * Called with errors of idle pooled connections (the server restarted, the network
   * dropped). `pg` emits them on the pool, and an unheard `error` event would crash the
   * process; the next query reports the problem anyway.
   */
  onError?: (error: Error) => void;
  /** Called after each query (logging, tests counting round trips). */
  onQuery?: QueryListener;
}

/** A schema name that can go into `search_path` and DDL without quoting surprises. */
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** An invalid schema name was given. */
export class InvalidSchemaNameError extends Error {
  override readonly name = 'InvalidSchemaNameError';
  constructor(readonly schema: string) {
    super(`Invalid PostgreSQL schema name "${schema}": letters, digits and _ only, not starting with a digit`);
  }
}

/**
 * Opens a pool on a `postgres://` URL and returns the Kysely instance with the schema the
 * tables live in (the given one, else the connection's `current_schema()`).
 */
export async function openPostgres(
  connectionString: string,
  options: PostgresOptions = {},
): Promise<{ db: Kysely<Schema>; schema: string }> {
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) throw new InvalidSchemaNameError(options.schema);
  const pool = new pg.Pool({
    connectionString,
    max: options.poolSize ?? 10,
    ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
  });
  pool.on('error', options.onError ?? (() => {}));
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }), ...queryLog(options.onQuery) });
  try {
    if (options.schema !== undefined) await sql`create schema if not exists ${sql.id(options.schema)}`.execute(db);
    const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
    const schema = rows[0]?.schema;
    if (schema === null || schema === undefined) throw new Error('PostgreSQL has no current schema: check search_path');
    return { db, schema };
  } catch (error) {
    await db.destroy();
    throw error;
  }
}
