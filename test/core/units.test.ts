/**
 * The core's pure parts: ids, errors, page limits.
 */
import { describe, expect, it } from 'vitest';
import { ChatError, isChatError } from '../../src/core/errors.js';
import { idTime, isGeneratedId, newId } from '../../src/core/ids.js';
import { clampLimit, PAGES } from '../../src/core/limits.js';

describe('ids', () => {
  it('are 24 lowercase hex characters with the creation second first', () => {
    const at = new Date('2024-05-15T07:19:36.621Z');
    const id = newId(at);
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(id.slice(0, 8)).toBe('66446208');
    expect(idTime(id)).toEqual(new Date('2024-05-15T07:19:36.000Z'));
  });

  it('are unique', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newId()));
    expect(ids.size).toBe(10_000);
  });

  it.each([
    ['a generated id', newId(), true],
    ['upper case', newId().toUpperCase(), false],
    ['too short', 'abc', false],
    ['not a string', 42, false],
  ])('recognizes %s', (_name, value, want) => {
    expect(isGeneratedId(value)).toBe(want);
  });
});

describe('ChatError', () => {
  it.each([
    ['invalidPayload', 400],
    ['invalidRequest', 400],
    ['unauthenticated', 401],
    ['forbidden', 403],
    ['notFound', 404],
    ['payloadTooLarge', 413],
    ['internal', 500],
  ] as const)('%s has status %i', (kind, status) => {
    const error = new ChatError(kind, 'm', { field: 'f' });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'ChatError', kind, status, field: 'f', message: 'm' });
    expect(isChatError(error, kind)).toBe(true);
    expect(isChatError(new Error('x'))).toBe(false);
  });
});

describe('clampLimit', () => {
  it.each([
    ['absent', undefined, 50],
    ['in range', 20, 20],
    ['over the max', 1_000, 200],
    ['zero', 0, 1],
    ['negative', -5, 1],
  ])('%s', (_name, value, want) => {
    expect(clampLimit(value, PAGES.messages)).toBe(want);
  });

  it('allows 0 where the default is 0 (optional extras)', () => {
    expect(clampLimit(0, PAGES.recentMessages)).toBe(0);
    expect(clampLimit(99, PAGES.recentMessages)).toBe(50);
  });

  it.each([[1.5], [Number.NaN], [Number.POSITIVE_INFINITY]])('refuses %s', (value) => {
    expect(() => clampLimit(value, PAGES.messages)).toThrow(expect.objectContaining({ kind: 'invalidPayload', field: 'limit' }));
  });
});
