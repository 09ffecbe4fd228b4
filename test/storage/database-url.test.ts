/**
 * What `openDatabase` makes of each URL form.
 */
import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../src/storage/database-url.js';
import { redact } from '../../src/storage/errors.js';

describe('parseDatabaseUrl', () => {
  it.each([
    ['sqlite: with a relative path', 'sqlite:./data/parley.db', { dialect: 'sqlite', filename: './data/parley.db' }],
    ['sqlite:/// with an absolute path', 'sqlite:///var/lib/parley.db', { dialect: 'sqlite', filename: '/var/lib/parley.db' }],
    ['sqlite:// with a relative path', 'sqlite://data/parley.db', { dialect: 'sqlite', filename: 'data/parley.db' }],
    ['sqlite::memory:', 'sqlite::memory:', { dialect: 'sqlite', filename: ':memory:' }],
    [':memory:', ':memory:', { dialect: 'sqlite', filename: ':memory:' }],
    ['a plain relative path', './data/parley.db', { dialect: 'sqlite', filename: './data/parley.db' }],
    ['a plain absolute path', '/tmp/parley.db', { dialect: 'sqlite', filename: '/tmp/parley.db' }],
    ['a file: URL', 'file:///tmp/parley.db', { dialect: 'sqlite', filename: '/tmp/parley.db' }],
    [
      'postgres://',
      'postgres://postgres@127.0.0.1:5432/test',
      { dialect: 'postgres', connectionString: 'postgres://postgres@127.0.0.1:5432/test' },
    ],
    ['postgresql://', 'postgresql://u:p@db/x', { dialect: 'postgres', connectionString: 'postgresql://u:p@db/x' }],
  ])('reads %s', (_name, url, want) => {
    expect(parseDatabaseUrl(url)).toEqual(want);
  });

  it.each([
    ['an empty string', ''],
    ['sqlite: without a path', 'sqlite:'],
    ['another database scheme', 'mysql://root@localhost/db'],
    ['a redis URL', 'redis://127.0.0.1:6379'],
  ])('refuses %s', (_name, url) => {
    expect(() => parseDatabaseUrl(url)).toThrow(expect.objectContaining({ name: 'UnsupportedDatabaseUrlError' }));
  });

  it('hides a password in errors', () => {
    expect(redact('postgres://user:secret@host/db')).toBe('postgres://user:***@host/db');
    expect(() => parseDatabaseUrl('mysql://user:secret@host/db')).toThrow(/user:\*\*\*@host/);
  });
});
