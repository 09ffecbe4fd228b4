/**
 * The storage layer on each backend: migrations, indexes, SQLite's settings, restart
 * durability, and a close that lets work in flight finish.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatCore } from '../../src/core/chat-core.js';
import type { User } from '../../src/core/types.js';
import { openDatabase } from '../../src/storage/database.js';
import { makeUsers, sendMany } from '../core/fixtures.js';
import { describeEachBackend } from './backends.js';

const HOT_PATH_INDEXES = [
  'participants_user_activity_idx',
  'messages_conversation_seq_idx',
  'messages_client_id_idx',
  'messages_live_idx',
  'messages_pinned_idx',
];

describeEachBackend('database', (backend) => {
  it('creates the tables and the hot-path indexes', async () => {
    const database = await backend.openDatabase();
    const tables = (await database.read((db) => db.introspection.getTables())).map((t) => t.name).filter((n) => !n.startsWith('kysely_'));
    expect(tables.sort()).toEqual(['conversations', 'media', 'messages', 'participants', 'users']);
    const indexes =
      database.dialect === 'sqlite'
        ? await database.read((db) => sql<{ name: string }>`select name from sqlite_master where type = 'index'`.execute(db))
        : await database.read((db) =>
            sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = current_schema()`.execute(db),
          );
    expect(indexes.rows.map((r) => r.name)).toEqual(expect.arrayContaining(HOT_PATH_INDEXES));
  });

  it('migrates idempotently: opening a migrated store again changes nothing', async () => {
    const first = await backend.openDatabase();
    const second = await backend.reopen(first);
    const count = await second.read((db) =>
      db
        .selectFrom('kysely_migration' as never)
        .select(sql<number>`count(*)`.as('n'))
        .executeTakeFirst(),
    );
    expect(Number((count as { n: unknown }).n)).toBe(1);
  });

  it('refuses work after close, and close is idempotent', async () => {
    const database = await backend.openDatabase();
    await database.close();
    await database.close();
    expect(database.closed).toBe(true);
    await expect(database.read((db) => db.selectFrom('users').selectAll().execute())).rejects.toMatchObject({
      name: 'DatabaseClosedError',
    });
  });

  it('lets writes in flight commit before closing', async () => {
    const core = new ChatCore(await backend.openDatabase());
    const [a, b] = (await makeUsers(core, 2)) as [User, User];
    const { conversation } = await core.openDirect(a.id, b.id, { create: true });
    const sends = Array.from({ length: 10 }, (_, i) =>
      core.storeMessage({ conversationId: conversation.id, senderId: a.id, text: `${i}` }),
    );
    const closing = core.close();
    const results = await Promise.allSettled(sends);
    await closing;
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    await expect(core.storeMessage({ conversationId: conversation.id, senderId: a.id, text: 'late' })).rejects.toMatchObject({
      name: 'DatabaseClosedError',
    });
    const reopened = new ChatCore(await backend.reopen(core.database));
    expect((await reopened.history(a.id, conversation.id)).items).toHaveLength(10);
  });

  it('keeps history, unread counts and read state across a restart', async () => {
    const core = new ChatCore(await backend.openDatabase());
    const [a, b] = (await makeUsers(core, 2)) as [User, User];
    const { conversation } = await core.openDirect(a.id, b.id, { create: true });
    const sent = await sendMany(core, conversation.id, a.id, 5);
    await core.markRead(b.id, conversation.id, { upTo: sent[1]!.id });
    await core.storeMessage({ conversationId: conversation.id, senderId: a.id, text: 'again', clientId: 'retry-me' });
    await core.close();

    const after = new ChatCore(await backend.reopen(core.database));
    expect((await after.history(b.id, conversation.id)).items.map((m) => m.text)).toEqual(['again', 'm4', 'm3', 'm2', 'm1', 'm0']);
    expect(await after.unreadCount(b.id, conversation.id)).toBe(4);
    expect(await after.unreadTotal(b.id)).toBe(4);
    const reader = (await after.getConversation(b.id, conversation.id)).participants.find((p) => p.userId === b.id);
    expect(reader?.readSeq).toBe(2);
    const retried = await after.storeMessage({ conversationId: conversation.id, senderId: a.id, text: 'again', clientId: 'retry-me' });
    expect(retried.duplicate).toBe(true);
    const next = await after.storeMessage({ conversationId: conversation.id, senderId: a.id, text: 'next' });
    expect(next.message.seq).toBe(7);
  });
});

describe('sqlite specifics', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'parley-sqlite-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the folder and runs in WAL mode with foreign keys, a busy timeout and full sync', async () => {
    const file = join(dir, 'nested', 'deeper', 'parley.db');
    const database = await openDatabase(`sqlite:${file}`, { busyTimeoutMs: 1234 });
    try {
      expect(existsSync(file)).toBe(true);
      const pragma = async (name: string) => {
        const { rows } = await database.read((db) => sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(db));
        return Object.values(rows[0] ?? {})[0];
      };
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('foreign_keys')).toBe(1);
      expect(await pragma('busy_timeout')).toBe(1234);
      expect(await pragma('synchronous')).toBe(2); // FULL
    } finally {
      await database.close();
    }
  });

  it('enforces foreign keys', async () => {
    const database = await openDatabase(':memory:');
    try {
      const insert = database.read((db) =>
        db
          .insertInto('participants')
          .values({ conversation_id: 'nope', user_id: 'nope', role: 'member', joined_at: 'x', last_activity_at: 'x' })
          .execute(),
      );
      await expect(insert).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
    } finally {
      await database.close();
    }
  });

  it('opens :memory: for throwaway stores', async () => {
    const core = await ChatCore.open(':memory:');
    try {
      const [a, b] = (await makeUsers(core, 2)) as [User, User];
      const { conversation } = await core.openDirect(a.id, b.id, { create: true });
      await core.storeMessage({ conversationId: conversation.id, senderId: a.id, text: 'x' });
      expect(await core.unreadTotal(b.id)).toBe(1);
    } finally {
      await core.close();
    }
  });
});
