/** Links to stored files: one shape for every protocol, whatever the public URL looks like. */
import { describe, expect, it } from 'vitest';
import { MEDIA_PATH, mediaUrl } from '../../src/server/media-route.js';

describe('mediaUrl', () => {
  it.each([
    ['a bare origin', 'http://127.0.0.1:4400', '6650a1b2c3d4e5f601234567', 'http://127.0.0.1:4400/media/6650a1b2c3d4e5f601234567'],
    ['a trailing slash', 'https://chat.example.com/', 'abc', 'https://chat.example.com/media/abc'],
    ['a path prefix', 'https://example.com/chat//', 'abc', 'https://example.com/chat/media/abc'],
    ['an id that needs escaping', 'http://h', 'a b/c', 'http://h/media/a%20b%2Fc'],
  ])('%s', (_name, publicUrl, id, want) => {
    expect(mediaUrl(publicUrl, id)).toBe(want);
  });

  it('links where the download route is served', () => {
    expect(new URL(mediaUrl('http://h', 'x')).pathname).toBe(MEDIA_PATH.replace(':id', 'x'));
  });
});
