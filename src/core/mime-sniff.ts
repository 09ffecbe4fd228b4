/**
 * The MIME type of a file from its first bytes ("magic numbers"). A client's declared type is
 * only a claim: a server that trusted it would serve an HTML page as `image/png` to whoever
 * fetches it.
 */

interface Signature {
  mimeType: string;
  test(bytes: Uint8Array): boolean;
}

const ascii = (bytes: Uint8Array, offset: number, text: string): boolean =>
  bytes.length >= offset + text.length && [...text].every((ch, i) => bytes[offset + i] === ch.charCodeAt(0));

const prefix = (bytes: Uint8Array, values: readonly number[]): boolean =>
  bytes.length >= values.length && values.every((v, i) => bytes[i] === v);

const SIGNATURES: readonly Signature[] = [
  { mimeType: 'image/jpeg', test: (b) => prefix(b, [0xff, 0xd8, 0xff]) },
  { mimeType: 'image/png', test: (b) => prefix(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { mimeType: 'image/gif', test: (b) => ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a') },
  { mimeType: 'image/webp', test: (b) => ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP') },
  { mimeType: 'application/pdf', test: (b) => ascii(b, 0, '%PDF-') },
  // ISO base media: a box size, then `ftyp`. Audio-only brands (M4A) are still MP4 containers.
  { mimeType: 'video/mp4', test: (b) => ascii(b, 4, 'ftyp') },
  // Matroska/WebM: the EBML header. WebM audio and video share it.
  { mimeType: 'video/webm', test: (b) => prefix(b, [0x1a, 0x45, 0xdf, 0xa3]) },
  { mimeType: 'audio/ogg', test: (b) => ascii(b, 0, 'OggS') },
  // MP3: an ID3 tag, or an MPEG audio frame sync (11 set bits) with a valid layer.
  {
    mimeType: 'audio/mpeg',
    test: (b) => ascii(b, 0, 'ID3') || (b.length >= 2 && b[0] === 0xff && ((b[1] ?? 0) & 0xe0) === 0xe0 && ((b[1] ?? 0) & 0x06) !== 0),
  },
];

/** Declared types that name the same container as a sniffed one. */
const EQUIVALENT: Readonly<Record<string, readonly string[]>> = {
  'image/jpeg': ['image/jpeg', 'image/jpg', 'image/pjpeg'],
  'video/mp4': ['video/mp4', 'audio/mp4', 'audio/x-m4a', 'video/quicktime'],
  'video/webm': ['video/webm', 'audio/webm'],
  'audio/ogg': ['audio/ogg', 'video/ogg', 'application/ogg'],
  'audio/mpeg': ['audio/mpeg', 'audio/mp3'],
};

/**
 * The MIME type the bytes are, or null when they are none of the supported types (jpeg, png,
 * gif, webp, pdf, mp4, webm, mpeg audio, ogg).
 *
 * @example
 * sniffMimeType(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) // 'image/png'
 */
export function sniffMimeType(bytes: Uint8Array): string | null {
  return SIGNATURES.find((s) => s.test(bytes))?.mimeType ?? null;
}

/** A MIME type without parameters, in lower case: `Image/PNG; q=1` → `image/png`. */
export function normalizeMimeType(value: string): string {
  return (value.split(';')[0] ?? '').trim().toLowerCase();
}

/** Whether a declared type is an acceptable name for what was sniffed (`audio/webm` for WebM). */
export function isCompatibleMimeType(declared: string, sniffed: string): boolean {
  const normalized = normalizeMimeType(declared);
  return normalized === sniffed || (EQUIVALENT[sniffed]?.includes(normalized) ?? false);
}
