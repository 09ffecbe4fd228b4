/**
 * Where the bytes of media files live. The database keeps a record per file (media.ts); a
 * `MediaStore` keeps the bytes, content-addressed by their SHA-256: a retried upload of the
 * same file writes nothing new, and a key names exactly one content.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ChatError, invalidPayload } from './errors.js';
import { isCompatibleMimeType, normalizeMimeType, sniffMimeType } from './mime-sniff.js';

/** What a store kept: the key to fetch it by, and what the bytes are. */
export interface StoredBlob {
  key: string;
  mimeType: string;
  size: number;
  sha256: string;
}

export interface MediaStore {
  /**
   * Checks (size limit, type sniffed from the content and matched against the declared one)
   * and stores the bytes; resolves once they are durable.
   */
  put(bytes: Uint8Array, options?: { declaredMimeType?: string }): Promise<StoredBlob>;
  /** The bytes under `key`, or null. */
  get(key: string): Promise<Uint8Array | null>;
  /** Removes the bytes under `key` (no error when absent). */
  delete(key: string): Promise<void>;
}

/** 10 MiB: messenger's `sendMedia` limit. */
export const DEFAULT_MAX_MEDIA_BYTES = 10 * 1024 * 1024;

/**
 * The checks every store applies before keeping bytes.
 * - over `maxBytes`: `payloadTooLarge`;
 * - empty, or not a supported type by its content: `invalidPayload`;
 * - a declared type that is not what the content is: `invalidPayload`.
 * The type kept is the declared one when compatible (`audio/webm` stays audio), else the sniffed.
 */
export function inspectMedia(bytes: Uint8Array, options: { declaredMimeType?: string; maxBytes: number }): StoredBlob {
  if (bytes.byteLength > options.maxBytes) {
    throw new ChatError('payloadTooLarge', `file is ${bytes.byteLength} bytes, over the limit of ${options.maxBytes}`, { field: 'bytes' });
  }
  if (bytes.byteLength === 0) throw invalidPayload('bytes', 'must not be empty');
  const sniffed = sniffMimeType(bytes);
  if (sniffed === null) throw invalidPayload('bytes', 'is not a supported file type (jpeg, png, gif, webp, pdf, mp4, webm, mpeg, ogg)');
  const declared = options.declaredMimeType;
  if (declared !== undefined && !isCompatibleMimeType(declared, sniffed)) {
    throw invalidPayload('mimeType', `is ${declared} but the content is ${sniffed}`);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const mimeType = declared === undefined ? sniffed : normalizeMimeType(declared);
  return { key: sha256, mimeType, size: bytes.byteLength, sha256 };
}

const KEY = /^[0-9a-f]{64}$/;

/**
 * Files in a local directory, as `<dir>/<ab>/<cd>/<sha256>`: the two fan-out levels keep any
 * one directory small.
 */
export class LocalMediaStore implements MediaStore {
  readonly maxBytes: number;

  constructor(
    readonly directory: string,
    options: { maxBytes?: number } = {},
  ) {
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_MEDIA_BYTES;
  }

  async put(bytes: Uint8Array, options: { declaredMimeType?: string } = {}): Promise<StoredBlob> {
    const blob = inspectMedia(bytes, { maxBytes: this.maxBytes, ...options });
    const path = this.#path(blob.key);
    if (await exists(path)) return blob;
    const dir = join(path, '..');
    await mkdir(dir, { recursive: true });
    // Write aside, flush, then rename: a reader never sees half a file, and a crash leaves at
    // worst a stray temp file, never a truncated blob under a valid key.
    const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    await syncDirectory(dir);
    return blob;
  }

  async get(key: string): Promise<Uint8Array | null> {
    if (!KEY.test(key)) return null;
    try {
      return new Uint8Array(await readFile(this.#path(key)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    if (!KEY.test(key)) return;
    await rm(this.#path(key), { force: true });
  }

  #path(key: string): string {
    // The key was checked or computed as 64 hex characters: it cannot climb out of the directory.
    return join(this.directory, key.slice(0, 2), key.slice(2, 4), key);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Makes a rename durable; not every platform lets a directory be opened for that. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort: the file itself was already flushed.
  }
}
