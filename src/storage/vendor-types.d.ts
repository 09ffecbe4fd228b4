/**
 * Minimal type declarations for the two database drivers, which ship no types of their own
 * (@types/better-sqlite3 and @types/pg are not dependencies). Only what src/storage uses is
 * declared. Delete this file if those @types packages are ever added.
 */

declare module 'better-sqlite3' {
  interface RunResult {
    changes: number | bigint;
    lastInsertRowid: number | bigint;
  }
  interface Statement {
    readonly reader: boolean;
    all(...params: unknown[]): unknown[];
    get(...params: unknown[]): unknown;
    run(...params: unknown[]): RunResult;
    iterate(...params: unknown[]): IterableIterator<unknown>;
  }
  interface Options {
    readonly?: boolean;
    fileMustExist?: boolean;
    /** Milliseconds to wait for a lock held by another connection (SQLite's busy timeout). */
    timeout?: number;
  }
  class Database {
    constructor(filename: string, options?: Options);
    readonly open: boolean;
    readonly memory: boolean;
    prepare(sql: string): Statement;
    pragma(source: string, options?: { simple?: boolean }): unknown;
    exec(sql: string): this;
    close(): this;
  }
  export default Database;
}

declare module 'pg' {
  interface PoolConfig {
    connectionString?: string;
    max?: number;
    /** Command-line options sent at connection start, e.g. `-c search_path=…`. */
    options?: string;
    idleTimeoutMillis?: number;
    connectionTimeoutMillis?: number;
    application_name?: string;
  }
  interface QueryResult<R> {
    command: 'UPDATE' | 'DELETE' | 'INSERT' | 'SELECT' | 'MERGE';
    rowCount: number;
    rows: R[];
  }
  interface PoolClient {
    query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<QueryResult<R>>;
    query<R>(cursor: { read(rowsCount: number): Promise<R[]>; close(): Promise<void> }): never;
    release(destroy?: boolean | Error): void;
  }
  class Pool {
    constructor(config?: PoolConfig);
    connect(): Promise<PoolClient>;
    query<R>(sql: string, parameters?: ReadonlyArray<unknown>): Promise<QueryResult<R>>;
    end(): Promise<void>;
    on(event: 'error', listener: (error: Error) => void): this;
  }
  const pg: { Pool: typeof Pool };
  export default pg;
}
