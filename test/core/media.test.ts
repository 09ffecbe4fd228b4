/**
 * Media: type sniffing, the local store (limits, content addressing, atomic writes), and
 * the core's media records with their access rule.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalMediaStore } from '../../src/core/media-store.js';
import { isCompatibleMimeType, sniffMimeType } from '../../src/core/mime-sniff.js';
import type { User } from '../../src/core/types.js';
import { describeEachBackend, useCore } from '../storage/backends.js';
import { directPair, makeUsers } from './fixtures.js';

const bytes = (...parts: Array<number[] | string>): Uint8Array =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

const SAMPLES = {
  jpeg: bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], 'JFIF'),
  png: bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d], 'IHDR'),
  gif: bytes('GIF89a', [1, 0, 1, 0]),
  webp: bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 '),
  pdf: bytes('%PDF-1.7\n'),
  mp4: bytes([0, 0, 0, 0x18], 'ftypmp42'),
  webm: bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81]),
  mp3: bytes('ID3', [4, 0, 0, 0, 0, 0, 0]),
  mp3Frame: bytes([0xff, 0xfb, 0x90, 0x64]),
  ogg: bytes('OggS', [0, 2]),
  html: bytes('<!doctype html><script>'),
};

describe('sniffMimeType', () => {
  it.each([
    ['jpeg', SAMPLES.jpeg, 'image/jpeg'],
    ['png', SAMPLES.png, 'image/png'],
    ['gif', SAMPLES.gif, 'image/gif'],
    ['webp', SAMPLES.webp, 'image/webp'],
    ['pdf', SAMPLES.pdf, 'application/pdf'],
    ['mp4', SAMPLES.mp4, 'video/mp4'],
    ['webm', SAMPLES.webm, 'video/webm'],
    ['mp3 with ID3', SAMPLES.mp3, 'audio/mpeg'],
    ['mp3 frame', SAMPLES.mp3Frame, 'audio/mpeg'],
    ['ogg', SAMPLES.ogg, 'audio/ogg'],
    ['html', SAMPLES.html, null],
    ['empty', new Uint8Array(), null],
  ])('%s', (_name, input, want) => {
    expect(sniffMimeType(input)).toBe(want);
  });

  it.each([
    ['the same type', 'image/png', 'image/png', true],
    ['parameters and case', 'Image/PNG; charset=x', 'image/png', true],
    ['webm audio', 'audio/webm', 'video/webm', true],
    ['a lie', 'image/png', 'application/pdf', false],
  ])('compatibility: %s', (_name, declared, sniffed, want) => {
    expect(isCompatibleMimeType(declared, sniffed)).toBe(want);
  });
});

describe('LocalMediaStore', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'parley-media-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stores by content hash, once, and reads back', async () => {
    const store = new LocalMediaStore(dir);
    const first = await store.put(SAMPLES.png, { declaredMimeType: 'image/png' });
    expect(first).toMatchObject({ mimeType: 'image/png', size: SAMPLES.png.byteLength });
    expect(first.key).toBe(first.sha256);
    const again = await store.put(SAMPLES.png);
    expect(again.key).toBe(first.key);
    expect(await store.get(first.key)).toEqual(SAMPLES.png);
    const shard = join(dir, first.key.slice(0, 2), first.key.slice(2, 4));
    expect(readdirSync(shard)).toEqual([first.key]); // no temp files left
    await store.delete(first.key);
    expect(await store.get(first.key)).toBeNull();
  });

  it('keeps a compatible declared type (audio/webm stays audio)', async () => {
    const store = new LocalMediaStore(dir);
    expect((await store.put(SAMPLES.webm, { declaredMimeType: 'audio/webm' })).mimeType).toBe('audio/webm');
  });

  it.each([
    ['over the size limit', SAMPLES.png, { maxBytes: 4 }, undefined, 'payloadTooLarge'],
    ['empty', new Uint8Array(), {}, undefined, 'invalidPayload'],
    ['not a supported type', SAMPLES.html, {}, undefined, 'invalidPayload'],
    ['a declared type the content contradicts', SAMPLES.pdf, {}, 'image/png', 'invalidPayload'],
  ])('refuses a file %s', async (_name, input, options, declaredMimeType, kind) => {
    const store = new LocalMediaStore(dir, options);
    await expect(store.put(input, declaredMimeType === undefined ? {} : { declaredMimeType })).rejects.toMatchObject({
      name: 'ChatError',
      kind,
    });
  });

  it('never reads outside its directory', async () => {
    const store = new LocalMediaStore(dir);
    expect(await store.get('../../etc/passwd')).toBeNull();
  });
});

describeEachBackend('media records', (backend) => {
  // Named now, created by the store on first write: a skipped suite leaves nothing behind.
  const dir = join(tmpdir(), `parley-media-core-${randomBytes(6).toString('hex')}`);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const core = useCore(backend, { mediaStore: new LocalMediaStore(dir) });

  it('stores a file in a conversation; participants may open it, strangers may not', async () => {
    const { a, b, conversation } = await directPair(core());
    const [stranger] = (await makeUsers(core(), 1)) as [User];
    const media = await core().storeMedia({ ownerId: a.id, bytes: SAMPLES.jpeg, mimeType: 'image/jpeg', conversationId: conversation.id });
    expect(media).toMatchObject({ ownerId: a.id, conversationId: conversation.id, mimeType: 'image/jpeg', size: SAMPLES.jpeg.byteLength });
    const { message } = await core().storeMessage({ conversationId: conversation.id, senderId: a.id, mediaIds: [media.id] });
    expect(message).toMatchObject({ kind: 'media', text: null, media: [{ id: media.id, mimeType: 'image/jpeg' }] });
    expect((await core().openMedia(b.id, media.id)).bytes).toEqual(SAMPLES.jpeg);
    await expect(core().openMedia(stranger.id, media.id)).rejects.toMatchObject({ kind: 'forbidden' });
  });

  it('keeps an upload private to its owner until it is sent (marketplace: upload, then send by id)', async () => {
    const { a, b, conversation } = await directPair(core());
    const media = await core().storeMedia({ ownerId: a.id, bytes: SAMPLES.pdf });
    expect(media.conversationId).toBeNull();
    await expect(core().openMedia(b.id, media.id)).rejects.toMatchObject({ kind: 'forbidden' });
    await core().storeMessage({ conversationId: conversation.id, senderId: a.id, text: 'receipt', mediaIds: [media.id] });
    expect((await core().openMedia(b.id, media.id)).media.conversationId).toBe(conversation.id);
  });

  it('reads records without bytes or authorization, for checks before a write; unknown ids left out', async () => {
    const { a, conversation } = await directPair(core());
    const kept = await core().storeMedia({ ownerId: a.id, bytes: SAMPLES.png });
    const sent = await core().storeMedia({ ownerId: a.id, bytes: SAMPLES.gif, conversationId: conversation.id });
    const records = await core().mediaRecords([kept.id, sent.id, kept.id, '665f1c2e9b1e8a0000000000']);
    expect([...records.keys()].sort()).toEqual([kept.id, sent.id].sort());
    expect(records.get(kept.id)).toEqual(kept);
    expect(records.get(sent.id)).toMatchObject({ ownerId: a.id, conversationId: conversation.id, mimeType: 'image/gif' });
    expect(await core().mediaRecords([])).toEqual(new Map());
  });

  it('refuses uploads into a conversation the owner is not in, and unknown media', async () => {
    const { conversation } = await directPair(core());
    const [stranger] = (await makeUsers(core(), 1)) as [User];
    await expect(core().storeMedia({ ownerId: stranger.id, bytes: SAMPLES.gif, conversationId: conversation.id })).rejects.toMatchObject({
      kind: 'forbidden',
    });
    await expect(core().openMedia(stranger.id, '665f1c2e9b1e8a0000000000')).rejects.toMatchObject({ kind: 'notFound' });
  });
});
