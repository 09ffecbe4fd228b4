/**
 * The files a message names, checked before anything is written. A first message creates its
 * chat and then stores itself: if the store refused a file after the chat was created, the chat
 * would exist without its first message (and its recipient would never get `newChat`). The core
 * checks the same rules again when it stores the message, under its lock.
 */
import type { ChatCore } from '../core/index.js';
import { ProtocolError } from '../runtime/errors.js';

/**
 * Refuses files that are unknown (404), another user's (403), or already sent in another chat
 * (400). `chatId` is the chat they are being sent in, null when it does not exist yet.
 */
export async function checkMessageMedia(core: ChatCore, senderId: string, mediaIds: readonly string[], chatId: string | null): Promise<void> {
  if (mediaIds.length === 0) return;
  const records = await core.mediaRecords(mediaIds);
  mediaIds.forEach((id, i) => {
    const field = `messageMedias.${i}.id`;
    const media = records.get(id);
    if (media === undefined) throw new ProtocolError('notFound', `Media ${id} not found`, field);
    if (media.ownerId !== senderId) throw new ProtocolError('forbidden', `Media ${id} belongs to another user`, field);
    if (media.conversationId !== null && media.conversationId !== chatId)
      throw new ProtocolError('invalidRequest', `Media ${id} was sent in another chat`, field);
  });
}
