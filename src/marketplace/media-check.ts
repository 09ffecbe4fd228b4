/**
 * The files a message names, checked before anything is written. A first message creates its
 * chat and then stores itself: if the store refused a file after the chat was created, the chat
 * would exist without its first message (and its recipient would never get `newChat`). The core
 * checks the same rules again when it stores the message, under its lock.
 *
 * The core has no read of a media record without its bytes, so this reads the `media` table
 * itself (see the report: a `ChatCore.mediaRecords` would replace it).
 */
import type { ChatCore } from '../core/index.js';
import { ProtocolError } from '../runtime/errors.js';

/**
 * Refuses files that are unknown (404), another user's (403), or already sent in another chat
 * (400). `chatId` is the chat they are being sent in, null when it does not exist yet.
 */
export async function checkMessageMedia(core: ChatCore, senderId: string, mediaIds: readonly string[], chatId: string | null): Promise<void> {
  if (mediaIds.length === 0) return;
  const rows = await core.database.read((db) =>
    db
      .selectFrom('media')
      .select(['id', 'owner_id', 'conversation_id'])
      .where('id', 'in', [...mediaIds])
      .execute(),
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  mediaIds.forEach((id, i) => {
    const field = `messageMedias.${i}.id`;
    const row = byId.get(id);
    if (row === undefined) throw new ProtocolError('notFound', `Media ${id} not found`, field);
    if (row.owner_id !== senderId) throw new ProtocolError('forbidden', `Media ${id} belongs to another user`, field);
    if (row.conversation_id !== null && row.conversation_id !== chatId)
      throw new ProtocolError('invalidRequest', `Media ${id} was sent in another chat`, field);
  });
}
