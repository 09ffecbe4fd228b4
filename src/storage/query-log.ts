/**
 * A hook on every query, for a logger or for tests that count round trips.
 */
import type { KyselyConfig } from 'kysely';

/** Receives each executed query's SQL and duration, and its error if it failed. */
export type QueryListener = (event: { sql: string; durationMs: number; error?: unknown }) => void;

/** The Kysely `log` option for a listener (none without one, so queries cost nothing extra). */
export function queryLog(listener: QueryListener | undefined): Pick<KyselyConfig, 'log'> {
  if (listener === undefined) return {};
  return {
    log: (event) => {
      try {
        listener({
          sql: event.query.sql,
          durationMs: event.queryDurationMillis,
          ...(event.level === 'error' ? { error: event.error } : {}),
        });
      } catch {
        // A failing logger must not fail the query it was told about.
      }
    },
  };
}
