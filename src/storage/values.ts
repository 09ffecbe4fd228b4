/**
 * Conversions between JavaScript values and what the two dialects store and return
 * (see the note in schema.ts).
 */

/** The stored form of an instant: ISO-8601, millisecond precision, UTC. */
export function toDbTime(date: Date): string {
  return date.toISOString();
}

/** Reads a stored instant, whichever dialect returned it. */
export function fromDbTime(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}

/** Reads a nullable stored instant. */
export function fromDbTimeOrNull(value: Date | string | null): Date | null {
  return value === null ? null : fromDbTime(value);
}

/**
 * The stored form of a JSON value. Always a string: handing a JS array to `pg` would make it a
 * PostgreSQL array literal, not JSON.
 */
export function toDbJson(value: unknown): string {
  return JSON.stringify(value);
}

/** Reads a stored JSON value: already parsed by `pg` for `jsonb`, text from SQLite. */
export function fromDbJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

/**
 * Reads a count. PostgreSQL returns `count(*)` as a bigint, which `pg` hands over as a string
 * to avoid losing precision; counts here are far below 2^53.
 */
export function fromDbCount(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') return Number.parseInt(value, 10);
  return 0;
}
