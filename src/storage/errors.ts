/**
 * Errors of the storage layer, and the recognition of driver errors that callers react to
 * (a unique violation means "someone else created it first", not a failure).
 */

/** `openDatabase` was given a URL it does not know how to open. */
export class UnsupportedDatabaseUrlError extends Error {
  override readonly name = 'UnsupportedDatabaseUrlError';
  constructor(readonly url: string) {
    super(`Unsupported database URL "${redact(url)}": use sqlite:<path>, a file path, :memory: or postgres://…`);
  }
}

/** A query was started after `close()` was called. */
export class DatabaseClosedError extends Error {
  override readonly name = 'DatabaseClosedError';
  constructor() {
    super('The database is closed');
  }
}

/** Whether a driver error is a violation of a unique (or primary key) constraint. */
export function isUniqueViolation(error: unknown): boolean {
  const code = errorCode(error);
  // 23505: PostgreSQL unique_violation. better-sqlite3 puts the extended result code in `code`.
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * Whether a PostgreSQL transaction failed only because of concurrency and may simply be run
 * again: serialization_failure (40001) or deadlock_detected (40P01).
 */
export function isRetryableConflict(error: unknown): boolean {
  const code = errorCode(error);
  return code === '40001' || code === '40P01';
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** A URL with its password hidden, for error messages and logs. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}
