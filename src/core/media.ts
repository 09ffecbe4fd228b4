/**
 * Media records: who uploaded a file, what it is, where its bytes are, and in which
 * conversation it was sent (which decides who may fetch it).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../storage/database.js';
import type { Schema } from '../storage/schema.js';
import { toDbTime } from '../storage/values.js';
import { requireParticipant } from './access.js';
import { forbidden, notFound } from './errors.js';
import { newId } from './ids.js';
import type { MediaStore } from './media-store.js';
import { toMedia } from './rows.js';
import type { Media } from './types.js';

export interface StoreMediaInput {
  ownerId: string;
  bytes: Uint8Array;
  /** The type the client claims; checked against the content. */
  mimeType?: string;
  /** The conversation it is being sent in, when known (messenger's `sendMedia`). */
  conversationId?: string;
}

export class MediaFiles {
  constructor(
    private readonly database: Database,
    private readonly blobs: MediaStore,
  ) {}

  /**
   * Checks and stores the bytes, then records them. The bytes are written first: a record
   * never points at bytes that are not there (an orphaned blob is harmless, and a retry of the
   * same content reuses it).
   */
  async store(input: StoreMediaInput, now: Date = new Date()): Promise<Media> {
    if (input.conversationId !== undefined) {
      const conversationId = input.conversationId;
      await this.database.read((db) => requireParticipant(db, conversationId, input.ownerId));
    }
    const blob = await this.blobs.put(input.bytes, input.mimeType === undefined ? {} : { declaredMimeType: input.mimeType });
    const row = await this.database.read((db) =>
      db
        .insertInto('media')
        .values({
          id: newId(now),
          owner_id: input.ownerId,
          conversation_id: input.conversationId ?? null,
          mime_type: blob.mimeType,
          size: blob.size,
          sha256: blob.sha256,
          storage_key: blob.key,
          created_at: toDbTime(now),
        })
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
    return toMedia(row);
  }

  /**
   * A file and its bytes, for its owner or a participant of the conversation it was sent in.
   */
  async open(userId: string, mediaId: string): Promise<{ media: Media; bytes: Uint8Array }> {
    const media = await this.database.read(async (db) => {
      const row = await db.selectFrom('media').selectAll().where('id', '=', mediaId).executeTakeFirst();
      if (row === undefined) throw notFound('Media', mediaId);
      if (row.owner_id !== userId) {
        if (row.conversation_id === null) throw forbidden(`Media ${mediaId} is not shared with you`);
        await requireParticipant(db, row.conversation_id, userId);
      }
      return toMedia(row);
    });
    const bytes = await this.blobs.get(media.storageKey);
    if (bytes === null) throw notFound('Media content', mediaId);
    return { media, bytes };
  }
}

/** The records of these files, by id (unknown ids are left out). */
export async function readMediaRecords(db: Kysely<Schema>, mediaIds: readonly string[]): Promise<Map<string, Media>> {
  const unique = [...new Set(mediaIds)];
  if (unique.length === 0) return new Map();
  const rows = await db.selectFrom('media').selectAll().where('id', 'in', unique).execute();
  return new Map(rows.map((row) => [row.id, toMedia(row)]));
}
