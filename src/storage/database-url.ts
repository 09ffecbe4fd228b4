/**
 * What `openDatabase` accepts as a URL, and what each form means. Kept apart from the drivers
 * so the rules are tested without opening anything.
 */
import { fileURLToPath } from 'node:url';
import { UnsupportedDatabaseUrlError } from './errors.js';

export type DatabaseTarget = { dialect: 'sqlite'; filename: string } | { dialect: 'postgres'; connectionString: string };

/**
 * Reads a database URL.
 *
 * @example
 * parseDatabaseUrl('sqlite:./data/parley.db')   // { dialect: 'sqlite', filename: './data/parley.db' }
 * parseDatabaseUrl(':memory:')                  // { dialect: 'sqlite', filename: ':memory:' }
 * parseDatabaseUrl('postgres://u@host:5432/db') // { dialect: 'postgres', connectionString: … }
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  const trimmed = url.trim();
  if (trimmed === '') throw new UnsupportedDatabaseUrlError(url);
  if (/^postgres(ql)?:\/\//i.test(trimmed)) return { dialect: 'postgres', connectionString: trimmed };
  if (/^file:/i.test(trimmed)) return { dialect: 'sqlite', filename: fileURLToPath(trimmed) };
  if (/^sqlite:/i.test(trimmed)) {
    // `sqlite:./x.db`, `sqlite::memory:`, and the URL-ish `sqlite:///abs/x.db` / `sqlite://rel/x.db`.
    const rest = trimmed.slice('sqlite:'.length).replace(/^\/\//, '');
    if (rest === '') throw new UnsupportedDatabaseUrlError(url);
    return { dialect: 'sqlite', filename: rest };
  }
  // Anything else with a scheme (mysql://, redis://) is a mistake, not a file name. A Windows
  // drive letter (`C:\…`) is one letter, so it is not taken for a scheme.
  if (/^[a-z][a-z0-9+.-]+:/i.test(trimmed) && trimmed !== ':memory:') throw new UnsupportedDatabaseUrlError(url);
  return { dialect: 'sqlite', filename: trimmed };
}
