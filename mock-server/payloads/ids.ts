/**
 * Ids of the right shape. The shape of each kind of id (a schema such as `StoredId` or
 * `UserId`) is learnt from the spec's own examples: ObjectIds where the document shows
 * ObjectIds, `u-ada` style ids where it shows those, integers where ids are integers.
 */
import type { Random } from '../state/random.js';

export type IdShape =
  | { kind: 'objectId' }
  | { kind: 'uuid' }
  | { kind: 'prefixedWord'; prefix: string }
  | { kind: 'prefixedNumber'; prefix: string }
  | { kind: 'digits'; length: number }
  | { kind: 'alnum'; length: number }
  | { kind: 'integer' };

const OBJECT_ID = /^[0-9a-f]{24}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PREFIXED_WORD = /^([a-z]{1,3}[-_])[a-z]+$/;
const PREFIXED_NUMBER = /^([a-z]{1,3}[-_])\d+([-_]\d+)*$/;

/** The shape of one example value, or undefined when it has no recognisable shape. */
export function shapeOf(value: unknown): IdShape | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return { kind: 'integer' };
  if (typeof value !== 'string' || value === '') return undefined;
  if (OBJECT_ID.test(value)) return { kind: 'objectId' };
  if (UUID.test(value)) return { kind: 'uuid' };
  let m = PREFIXED_WORD.exec(value);
  if (m) return { kind: 'prefixedWord', prefix: m[1]! };
  m = PREFIXED_NUMBER.exec(value);
  if (m) return { kind: 'prefixedNumber', prefix: m[1]! };
  if (/^\d+$/.test(value)) return { kind: 'digits', length: value.length };
  if (/^[A-Za-z0-9]+$/.test(value) && value.length >= 12) return { kind: 'alnum', length: value.length };
  return undefined;
}

/** The most common shape among example values (ties: the first seen). */
export function dominantShape(values: readonly unknown[]): IdShape | undefined {
  const counts = new Map<string, { shape: IdShape; n: number }>();
  for (const v of values) {
    const shape = shapeOf(v);
    if (!shape) continue;
    const key = JSON.stringify(shape);
    const entry = counts.get(key) ?? { shape, n: 0 };
    entry.n++;
    counts.set(key, entry);
  }
  let best: { shape: IdShape; n: number } | undefined;
  for (const entry of counts.values()) if (!best || entry.n > best.n) best = entry;
  return best?.shape;
}

/**
 * A new id of a shape. ObjectIds start with the time in seconds, as MongoDB's do, so that they
 * sort by creation. `word` supplies the word of `u-ada` style ids.
 */
export function makeId(shape: IdShape, rng: Random, nowMs: number, word?: () => string): string | number {
  switch (shape.kind) {
    case 'objectId':
      return Math.floor(nowMs / 1000).toString(16).padStart(8, '0').slice(-8) + rng.hex(16);
    case 'uuid': {
      const h = rng.hex(32);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[rng.int(4)]}${h.slice(17, 20)}-${h.slice(20)}`;
    }
    case 'prefixedWord':
      return `${shape.prefix}${(word?.() ?? rng.alnum(6)).toLowerCase().replace(/[^a-z]/g, '') || 'user'}`;
    case 'prefixedNumber':
      return `${shape.prefix}${nowMs}-${rng.int(1, 99)}`;
    case 'digits':
      return String(rng.int(10 ** Math.min(shape.length - 1, 15), 10 ** Math.min(shape.length, 15) - 1));
    case 'alnum':
      return rng.alnum(shape.length);
    case 'integer':
      return rng.int(1, 9999);
  }
}
