/**
 * Payloads a message's schema rejects, for fuzz and contract tests: from the payload schema and one
 * valid payload, a seeded, reproducible list of distinct invalid payloads, each labelled with what
 * was broken. Single mutations come first (every way one value can break its schema), then seeded
 * combinations of two or three of them until the requested count.
 */
import { deref, type JsonSchema } from './model.js';

/** One payload the schema rejects. */
export interface InvalidPayload {
  /**
   * What was broken (`missing required user.email`, `sid over maxLength 64`, `not an object: 42`);
   * combinations join their parts with ` + `. It names the intended violation; the validator may
   * report another one first.
   */
  readonly label: string;
  /** The payload; `undefined` means the event sent with no argument. */
  readonly payload: unknown;
}

export interface InvalidPayloadOptions {
  /** Seeds the choice of combinations (and of the subset of single mutations when they outnumber `count`). */
  readonly seed: number;
  /** How many payloads to return at most. */
  readonly count: number;
  /** Whether the validator under test rejects a payload; candidates it accepts are dropped. */
  readonly isInvalid: (payload: unknown) => boolean;
}

type Key = string | number;
interface Mutation {
  readonly label: string;
  readonly path: readonly Key[];
  readonly remove?: boolean;
  readonly value?: unknown;
  /** Over a few KB: at most one such mutation per combination keeps every payload small. */
  readonly big?: boolean;
}

const TYPES = ['string', 'number', 'integer', 'boolean', 'null', 'array', 'object'] as const;
// Coercion bait: values that loosely-typed server code might take for the right type.
const SAMPLES: Record<(typeof TYPES)[number], (cur: unknown) => unknown[]> = {
  string: () => ['x', '1', 'true', ''],
  number: () => [1.5, -0.5],
  integer: () => [0, 1, -1],
  boolean: () => [true, false],
  null: () => [null],
  array: (cur) => [[], [cur ?? 'x']],
  object: (cur) => [{}, { value: cur ?? 'x' }],
};
// Names that collide with Object.prototype, break naive path handling, or are merely odd.
const EXTRA_NAMES = ['notInTheSpec', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '', ' ', '$where', 'a.b', '\u0000', '🙂', 'k'.repeat(256)];
const EXTRA_VALUES: readonly unknown[] = [1, 'x', null, true, {}, []];
const TRICKY = (s: string): string[] =>
  [' ', '\n', '\u0000', '\u200b', '\u202e', 'é', '🙂', '\ud800', "';--", '/../..'].map((t) => s + t).concat([' ' + s, '<script>', '${x}', '']);
const BAD_FORMATS: Record<string, string[]> = {
  'date-time': ['yesterday', '2024-13-45T25:61:00Z', '2024-01-01', '2024-01-01 10:00:00'],
  date: ['2024-13-45', '01/02/2024', 'today'],
  time: ['25:61:00Z', 'noon'],
  uri: ['not a uri', '//no-scheme.example', 'http//x', ':'],
  email: ['no-at-sign', 'a@', '@b.example', 'a b@c.example'],
  uuid: ['not-a-uuid', '123e4567-e89b-12d3-a456-42661417400', '123e4567-e89b-12d3-a456-4266141740000'],
  hostname: ['-bad-', 'a..b', 'a_b!'],
  ipv4: ['256.0.0.1', '1.2.3'],
  ipv6: ['::g', '1:2'],
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !isBinary(v);
const isBinary = (v: unknown): v is ArrayBuffer | ArrayBufferView => v instanceof ArrayBuffer || ArrayBuffer.isView(v);
// defineProperty, so that `__proto__` becomes an own key as JSON.parse on the server makes it.
const put = (o: Record<string, unknown>, k: string, value: unknown): void => void Object.defineProperty(o, k, { value, enumerable: true, writable: true, configurable: true });

/**
 * A stable serialisation of a payload for deduplication: object keys sorted, `undefined` and
 * binary data marked (JSON would drop or mangle them).
 */
export function payloadKey(v: unknown): string {
  if (v === undefined) return '~undefined';
  if (isBinary(v)) {
    const bytes = v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    return `~binary:${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
  }
  if (Array.isArray(v)) return `[${v.map(payloadKey).join(',')}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${payloadKey(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

/**
 * Distinct payloads that `schema` rejects, derived from `valid`, which it must accept (else this
 * throws). `schema` is as the spec model holds it (`event.payload`); `$ref`s resolve in `doc`.
 *
 * Single mutations at every path of `valid` (and at its absent optional properties and one past
 * each array's end): root not an object or absent; each required field missing; each JSON type the
 * schema does not allow (a non-binary value where `x-socketio-binary` wants bytes); min/maxLength,
 * with ASCII and astral characters; min/maxItems; minimum/maximum and their exclusive forms,
 * multipleOf, non-integers; values outside `enum`/`const`; bad `format`s; `pattern` violations
 * (whitespace, control, bidi, lone surrogate, injection-looking strings); unknown fields where
 * `additionalProperties` is false, with prototype-colliding and odd names. `if`/`then`/`else` and
 * `not` are not derived from. Combinations of 2–3 single mutations at unrelated paths then fill up
 * to `count`, chosen by a PRNG seeded with `seed`: same inputs and seed, same list.
 *
 * Every payload returned was rejected by `isInvalid`. Fewer than `count` come back when the schema
 * allows no more (a schema with few constraints): after the single mutations, combinations stop at
 * 40·count tries, or 2,000 in a row that found nothing new.
 * Payloads are JSON-safe (no NaN, functions or cycles), mostly under 20 KB; binary data of `valid`
 * is shared, not copied.
 */
export function invalidPayloads(doc: unknown, schema: JsonSchema, valid: unknown, options: InvalidPayloadOptions): InvalidPayload[] {
  const { seed, count, isInvalid } = options;
  if (isInvalid(valid)) throw new Error('invalidPayloads: the valid payload given is rejected itself');
  const rand = mulberry32(seed);
  const mutations: Mutation[] = [];
  walk(doc, schema, valid, [], mutations);

  const seen = new Set([payloadKey(valid)]);
  const accept = (ms: readonly Mutation[]): InvalidPayload | undefined => {
    let payload = clone(valid);
    for (const m of ms) {
      const next = apply(payload, m);
      if (!next.ok) return undefined;
      payload = next.root;
    }
    const key = payloadKey(payload);
    if (seen.has(key)) return undefined;
    seen.add(key);
    return isInvalid(payload) ? { label: ms.map((m) => m.label).join(' + '), payload } : undefined;
  };

  const singles: { m: Mutation; p: InvalidPayload }[] = [];
  for (const m of mutations) {
    const p = accept([m]);
    if (p) singles.push({ m, p });
  }
  if (singles.length >= count) return sample(singles.length, Math.max(0, count), rand).map((i) => singles[i]!.p);

  const out = singles.map((s) => s.p);
  const pool = singles.filter((s) => s.m.path.length > 0).map((s) => s.m);
  // Bounded twice: in all, and in tries in a row that find nothing new (the combinations ran out).
  for (let tries = 0, stale = 0; out.length < count && pool.length >= 2 && tries < count * 40 && stale < 2000; tries++, stale++) {
    const want = rand() < 0.5 ? 2 : 3;
    const picked: number[] = [];
    for (let guard = 0; picked.length < want && guard < 20; guard++) {
      const i = Math.floor(rand() * pool.length);
      const m = pool[i]!;
      if (picked.some((j) => j === i || overlaps(pool[j]!.path, m.path) || (pool[j]!.big && m.big))) continue;
      picked.push(i);
    }
    if (picked.length < 2) continue;
    const p = accept(picked.sort((a, b) => a - b).map((i) => pool[i]!));
    if (p) {
      out.push(p);
      stale = 0;
    }
  }
  return out;
}

/** Schemas that all describe one value: the schema and, through `$ref`s, its allOf/anyOf/oneOf branches. */
function viewsOf(doc: unknown, schema: unknown, out: JsonSchema[] = []): JsonSchema[] {
  const s = deref(doc, schema).value;
  if (!isObject(s) || out.includes(s)) return out;
  out.push(s);
  for (const k of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(s[k])) for (const b of s[k] as unknown[]) viewsOf(doc, b, out);
  return out;
}

const merged = (schemas: unknown[]): unknown => (schemas.length === 1 ? schemas[0] : { allOf: schemas });

function walk(doc: unknown, schema: unknown, cur: unknown, path: readonly Key[], out: Mutation[]): void {
  const views = viewsOf(doc, schema);
  valueMutations(views, cur, path, out);
  if (isObject(cur)) {
    const props = new Map<string, unknown[]>();
    for (const v of views) if (isObject(v.properties)) for (const [k, s] of Object.entries(v.properties)) props.set(k, [...(props.get(k) ?? []), s]);
    const required = new Set(views.flatMap((v) => (Array.isArray(v.required) ? (v.required as string[]) : [])));
    for (const k of required) if (Object.hasOwn(cur, k)) out.push({ label: `missing required ${where([...path, k])}`, path: [...path, k], remove: true });
    if (views.some((v) => v.additionalProperties === false)) {
      for (const name of EXTRA_NAMES.filter((n) => !props.has(n) && !Object.hasOwn(cur, n))) {
        for (const value of EXTRA_VALUES) out.push({ label: `unknown field ${show(name)} in ${where(path)}: ${show(value)}`, path: [...path, name], value });
      }
    }
    for (const [k, schemas] of props) {
      if (Object.hasOwn(cur, k)) walk(doc, merged(schemas), cur[k], [...path, k], out);
      else valueMutations(viewsOf(doc, merged(schemas)), undefined, [...path, k], out);
    }
  } else if (Array.isArray(cur)) {
    const items = views.filter((v) => isObject(v.items)).map((v) => v.items);
    const itemViews = items.length ? viewsOf(doc, merged(items)) : [];
    // Too many copies of an existing item cut down to its required fields: only the count is wrong, and the payload stays small.
    const required = new Set(itemViews.flatMap((v) => (Array.isArray(v.required) ? (v.required as string[]) : [])));
    const filler = isObject(cur[0]) ? Object.fromEntries(Object.entries(cur[0]).filter(([k]) => required.has(k))) : (cur[0] ?? null);
    for (const v of views) {
      if (typeof v.maxItems === 'number') out.push({ label: `${where(path)} over maxItems ${v.maxItems}`, path, value: Array.from({ length: v.maxItems + 1 }, () => filler), big: true });
      if (typeof v.minItems === 'number' && v.minItems > 0) out.push({ label: `${where(path)} under minItems ${v.minItems}`, path, value: cur.slice(0, v.minItems - 1) });
    }
    if (items.length === 0) return;
    // A few items suffice: the rest share their schema, and each adds as many mutations again.
    cur.slice(0, 3).forEach((x, i) => walk(doc, merged(items), x, [...path, i], out));
    valueMutations(itemViews, undefined, [...path, cur.length], out);
  }
}

/** Mutations that replace the value at `path` (absent when `cur` is undefined) with one its schema rejects. */
function valueMutations(views: JsonSchema[], cur: unknown, path: readonly Key[], out: Mutation[]): void {
  const at = where(path);
  const add = (label: string, value: unknown): void => void out.push({ label, path, value, big: (typeof value === 'string' ? value.length : payloadKey(value).length) > 2000 });
  const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  if (path.length === 0) add('no argument (undefined)', undefined);

  const types = new Set(views.flatMap((v) => [v.type ?? []].flat() as string[]));
  if (types.size > 0 || views.some((v) => isObject(v['x-socketio-binary']))) {
    for (const t of TYPES) {
      if (types.has(t) || (t === 'integer' && types.has('number'))) continue;
      for (const value of SAMPLES[t](cur)) {
        const label = t === 'number' && types.has('integer') ? `${at} non-integer` : types.size === 0 ? `${at} not binary` : path.length === 0 && types.size === 1 && types.has('object') ? 'not an object' : `${at} of type ${t}`;
        add(`${label}: ${show(value)}`, value);
      }
    }
  }

  const str = typeof cur === 'string' ? cur : 'x';
  const chars = [...str];
  for (const v of views) {
    if (num(v.maxLength)) {
      add(`${at} over maxLength ${v.maxLength}`, 'x'.repeat(Math.max(0, v.maxLength + 1 - chars.length)) + str);
      add(`${at} over maxLength ${v.maxLength} in astral characters`, '🙂'.repeat(v.maxLength + 1));
    }
    if (num(v.minLength) && v.minLength > 0) {
      add(`${at} under minLength ${v.minLength}`, chars.slice(0, v.minLength - 1).join(''));
      // Long enough in UTF-16 units, too short in code points, which JSON Schema counts.
      if (v.minLength > 1) add(`${at} under minLength ${v.minLength} in astral characters`, '🙂'.repeat(v.minLength - 1));
    }
    if (typeof v.pattern === 'string') for (const s of TRICKY(str)) add(`${at} breaking pattern ${v.pattern}: ${show(s)}`, s);
    if (typeof v.format === 'string') for (const s of BAD_FORMATS[v.format] ?? [`not a ${v.format}`]) add(`${at} bad ${v.format}: ${show(s)}`, s);
    if (Array.isArray(v.enum)) for (const x of outside(v.enum)) add(`${at} outside enum: ${show(x)}`, x);
    if ('const' in v) for (const x of outside([v.const])) add(`${at} not const ${show(v.const)}: ${show(x)}`, x);
    const n = num(cur) ? cur : 0;
    if (num(v.maximum)) add(`${at} above maximum ${v.maximum}`, v.maximum + 1);
    if (num(v.minimum)) add(`${at} below minimum ${v.minimum}`, v.minimum - 1);
    if (num(v.exclusiveMaximum)) add(`${at} at exclusiveMaximum ${v.exclusiveMaximum}`, v.exclusiveMaximum);
    if (num(v.exclusiveMinimum)) add(`${at} at exclusiveMinimum ${v.exclusiveMinimum}`, v.exclusiveMinimum);
    if (num(v.multipleOf)) add(`${at} not a multiple of ${v.multipleOf}`, n + v.multipleOf / 2);
  }
}

/** Values near the allowed ones but not among them. */
function outside(allowed: unknown[]): unknown[] {
  const near = allowed.slice(0, 3).flatMap((e) =>
    typeof e === 'string' ? [e.toUpperCase(), e.toLowerCase(), `${e} `, e.slice(0, -1), `${e}x`] : typeof e === 'number' ? [e + 1, e - 1, String(e)] : [String(e)],
  );
  const keys = new Set(allowed.map(payloadKey));
  return [...near, 'NOT_IN_ENUM'].filter((x) => !keys.has(payloadKey(x)));
}

function where(path: readonly Key[]): string {
  if (path.length === 0) return 'payload';
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i ? `.${k}` : k)).join('');
}

function show(v: unknown): string {
  const s = v === undefined ? 'undefined' : isBinary(v) ? '<binary>' : JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 30)}…(${s.length} chars)` : s;
}

function clone(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clone);
  if (!isObject(v)) return v;
  const o: Record<string, unknown> = {};
  for (const k of Object.keys(v)) put(o, k, clone(v[k]));
  return o;
}

/** Applies a mutation to a fresh copy's `root`, in place where it can; fails when its parent is gone. */
function apply(root: unknown, m: Mutation): { ok: boolean; root: unknown } {
  if (m.path.length === 0) return { ok: true, root: clone(m.value) };
  let parent = root;
  for (const k of m.path.slice(0, -1)) {
    if (!(isObject(parent) || Array.isArray(parent)) || !Object.hasOwn(parent, k)) return { ok: false, root };
    parent = (parent as Record<Key, unknown>)[k];
  }
  const last = m.path[m.path.length - 1]!;
  if (Array.isArray(parent) && typeof last === 'number' && last <= parent.length && !m.remove) parent[last] = clone(m.value);
  else if (isObject(parent) && typeof last === 'string') {
    if (m.remove) delete parent[last];
    else put(parent, last, clone(m.value));
  } else return { ok: false, root };
  return { ok: true, root };
}

/** Whether two paths touch the same value (one is a prefix of the other). */
function overlaps(a: readonly Key[], b: readonly Key[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `k` of the indices below `n`, chosen by `rand`, in ascending order. */
function sample(n: number, k: number, rand: () => number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rand() * (n - i));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx.slice(0, k).sort((a, b) => a - b);
}

/** mulberry32: a tiny, fast, seedable PRNG; Math.random cannot be seeded. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
