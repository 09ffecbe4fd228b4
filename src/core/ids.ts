/**
 * Ids of conversations, messages, users and media: 24 lowercase hex characters, the shape of a
 * MongoDB ObjectId, because the protocols' clients were written against servers that used
 * those and some check the shape. The first 4 bytes are the creation time in seconds (ids of
 * one table stay roughly in insertion order, which keeps B-tree inserts local); the other 8
 * are random, so ids are not guessable and need no coordination between servers.
 */
import { randomBytes } from 'node:crypto';

const ID_PATTERN = /^[0-9a-f]{24}$/;

/**
 * A new id.
 *
 * @example
 * newId() // '665f1c2e9b1e8a0012345678'
 */
export function newId(now: Date = new Date()): string {
  const seconds = Math.floor(now.getTime() / 1000) >>> 0;
  return seconds.toString(16).padStart(8, '0') + randomBytes(8).toString('hex');
}

/** Whether `value` has the shape of an id made by `newId`. */
export function isGeneratedId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

/** The creation time encoded in an id made by `newId` (to the second). */
export function idTime(id: string): Date {
  if (!isGeneratedId(id)) throw new TypeError(`Not a generated id: ${id}`);
  return new Date(Number.parseInt(id.slice(0, 8), 16) * 1000);
}
