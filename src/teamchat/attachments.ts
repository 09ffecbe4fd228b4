/**
 * Attachments are uploaded beforehand (`POST /api/v1/media`) and referenced in messages by URL.
 * A message that references files of this server links them to its room, which is what lets the
 * room's members fetch them (`GET /media/:id`); links elsewhere are kept as sent.
 */
import type { Attachment } from '../../generated/teamchat/types.js';

/** The path of an uploaded file, relative to the server's public URL. */
const MEDIA_PATH = /^\/media\/([0-9a-f]{24})$/;

/**
 * The ids of this server's uploads among the attachments, each once, in order: those whose URL
 * has the server's origin and a media path. Other URLs (a CDN, another service) are not ours.
 *
 * @example
 * uploadedMediaIds([{ url: 'http://127.0.0.1:4400/media/6650a1b2c3d4e5f601234567', mimeType: 'image/png' }], 'http://127.0.0.1:4400')
 * // ['6650a1b2c3d4e5f601234567']
 */
export function uploadedMediaIds(attachments: readonly Attachment[], publicUrl: string): string[] {
  const origin = new URL(publicUrl).origin;
  const ids: string[] = [];
  for (const attachment of attachments) {
    let url: URL;
    try {
      url = new URL(attachment.url);
    } catch {
      continue;
    }
    const match = url.origin === origin ? MEDIA_PATH.exec(url.pathname) : null;
    if (match !== null && !ids.includes(match[1]!)) ids.push(match[1]!);
  }
  return ids;
}

/** The wire attachments among a stored message's media list (entries the core added for linked files have no URL). */
export function attachmentsOf(media: readonly Record<string, unknown>[]): Attachment[] {
  const attachments: Attachment[] = [];
  for (const item of media) {
    if (typeof item['url'] !== 'string' || typeof item['mimeType'] !== 'string') continue;
    const attachment: Attachment = { url: item['url'], mimeType: item['mimeType'] };
    if (typeof item['size'] === 'number') attachment.size = item['size'];
    if (typeof item['name'] === 'string') attachment.name = item['name'];
    attachments.push(attachment);
  }
  return attachments;
}
