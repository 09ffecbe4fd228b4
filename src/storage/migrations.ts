/**
 * The schema's migrations, defined in code rather than in files: they then work under tsx, in
 * a bundle and in any install, with no directory to locate at run time. Each migration is
 * written once for both dialects; the few types that differ are chosen by `types(dialect)`.
 *
 * Never edit a migration that has shipped: add the next one (`0002_…`) to `migrations()`.
 */
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Dialect } from './dialect.js';

/** The column types that differ between SQLite and PostgreSQL. */
function types(dialect: Dialect) {
  return dialect === 'postgres' ? ({ time: 'timestamptz', json: 'jsonb' } as const) : ({ time: 'text', json: 'text' } as const);
}

/** Every migration, by name; names sort in the order they run. */
export function migrations(dialect: Dialect): Record<string, Migration> {
  const t = types(dialect);
  return {
    '0001_initial': {
      // `Kysely<any>`: a migration runs against the schema as it was then, not today's types.
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('users')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('realm', 'text', (c) => c.notNull())
          .addColumn('external_id', 'text', (c) => c.notNull())
          .addColumn('name', 'text')
          .addColumn('email', 'text')
          .addColumn('picture', 'text')
          .addColumn('created_at', t.time, (c) => c.notNull())
          .addColumn('updated_at', t.time, (c) => c.notNull())
          .addUniqueConstraint('users_realm_external_id_key', ['realm', 'external_id'])
          .execute();

        await db.schema
          .createTable('conversations')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('direct', 'group', 'product')`))
          .addColumn('key', 'text', (c) => c.unique())
          .addColumn('name', 'text')
          .addColumn('image', 'text')
          .addColumn('metadata', t.json, (c) => c.notNull().defaultTo(sql`'{}'`))
          .addColumn('created_by', 'text', (c) => c.references('users.id'))
          .addColumn('created_at', t.time, (c) => c.notNull())
          .addColumn('last_message_at', t.time)
          .addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0))
          // Direct and product conversations are found by key; groups never are.
          .addCheckConstraint('conversations_key_kind', sql`(kind = 'group') = (key is null)`)
          .execute();

        await db.schema
          .createTable('participants')
          .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('role', 'text', (c) =>
            c
              .notNull()
              .defaultTo('member')
              .check(sql`role in ('owner', 'member')`),
          )
          .addColumn('joined_at', t.time, (c) => c.notNull())
          .addColumn('read_seq', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('delivered_seq', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('last_activity_at', t.time, (c) => c.notNull())
          .addPrimaryKeyConstraint('participants_pkey', ['conversation_id', 'user_id'])
          .execute();
        // A user's conversations by last activity (inbox listing, keyset-paginated).
        await db.schema
          .createIndex('participants_user_activity_idx')
          .on('participants')
          .columns(['user_id', 'last_activity_at desc', 'conversation_id desc'])
          .execute();

        await db.schema
          .createTable('messages')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
          .addColumn('seq', 'integer', (c) => c.notNull())
          .addColumn('sender_id', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('text', 'text')
          .addColumn('client_id', 'text')
          // Not a foreign key: teamchat stores a quoted message id as sent, unchecked.
          .addColumn('reply_to', 'text')
          .addColumn('media', t.json, (c) => c.notNull().defaultTo(sql`'[]'`))
          .addColumn('metadata', t.json, (c) => c.notNull().defaultTo(sql`'{}'`))
          .addColumn('created_at', t.time, (c) => c.notNull())
          .addColumn('edited_at', t.time)
          .addColumn('deleted_at', t.time)
          .addColumn('pinned_at', t.time)
          .addColumn('pinned_by', 'text', (c) => c.references('users.id'))
          .execute();
        // A conversation's history, newest first; also makes seq unique per conversation.
        await db.schema
          .createIndex('messages_conversation_seq_idx')
          .unique()
          .on('messages')
          .columns(['conversation_id', 'seq desc'])
          .execute();
        // Idempotent sends: one message per (conversation, sender, client id).
        await db.schema
          .createIndex('messages_client_id_idx')
          .unique()
          .on('messages')
          .columns(['conversation_id', 'sender_id', 'client_id'])
          .where(sql.ref('client_id'), 'is not', null)
          .execute();
        // Unread counts and "latest visible message": only live messages, with the sender in the
        // index so counting `seq > read_seq and sender_id <> me` never reads the table.
        await db.schema
          .createIndex('messages_live_idx')
          .on('messages')
          .columns(['conversation_id', 'seq', 'sender_id'])
          .where(sql.ref('deleted_at'), 'is', null)
          .execute();
        // A conversation's pinned messages, oldest pin first.
        await db.schema
          .createIndex('messages_pinned_idx')
          .on('messages')
          .columns(['conversation_id', 'pinned_at'])
          .where(sql.ref('pinned_at'), 'is not', null)
          .execute();

        await db.schema
          .createTable('media')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('conversation_id', 'text', (c) => c.references('conversations.id').onDelete('set null'))
          .addColumn('mime_type', 'text', (c) => c.notNull())
          .addColumn('size', 'integer', (c) => c.notNull())
          .addColumn('sha256', 'text', (c) => c.notNull())
          .addColumn('storage_key', 'text', (c) => c.notNull())
          .addColumn('created_at', t.time, (c) => c.notNull())
          .execute();
      },
    },
  };
}

/** Hands the in-code migrations to Kysely's Migrator. */
class CodeMigrationProvider implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations(this.dialect);
  }
}

/** A migration failed; `cause` is the driver's error. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  constructor(
    readonly migration: string | undefined,
    options: { cause: unknown },
  ) {
    super(`Migration ${migration ?? '(unknown)'} failed: ${String((options.cause as Error)?.message ?? options.cause)}`, options);
  }
}

/**
 * Brings the schema up to date. Safe to run on every start and from several processes at
 * once: Kysely's Migrator takes a lock (an advisory lock in PostgreSQL) and skips what ran.
 *
 * @param schema PostgreSQL: the schema the tables live in. Kysely looks for its bookkeeping
 *   table in every schema unless told which, so a database holding another Parley schema
 *   (the tests' parallel schemas) would otherwise look already migrated.
 */
export async function migrateToLatest(db: Kysely<any>, dialect: Dialect, schema?: string): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: new CodeMigrationProvider(dialect),
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new MigrationError(failed?.migrationName, { cause: error });
  }
}
