/**
 * A quick check that a value fits a (resolved) schema's own constraints: type, enum, const,
 * lengths, pattern, formats, bounds. Used to decide whether a realistic value, or a value
 * carried over from a request, may replace a generated one. Deep structure is not checked here:
 * every payload is validated as a whole before it is emitted. Each schema's check is compiled
 * once into a function.
 */
import type { SchemaIndex } from '../spec/schemas.js';

type Check = (value: unknown) => boolean;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** The length of a string in code points, as JSON Schema counts it, without allocating. */
function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
    n++;
  }
  return n;
}

const DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i;
const URI = /^[a-z][a-z0-9+.-]*:[^\s]*$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function compileOwn(schema: Record<string, unknown>): Check[] {
  const checks: Check[] = [];
  if (schema.const !== undefined) {
    const want = JSON.stringify(schema.const);
    checks.push((v) => JSON.stringify(v) === want);
  }
  if (Array.isArray(schema.enum)) {
    const primitives = new Set(schema.enum.filter((e) => e === null || typeof e !== 'object'));
    const objects = schema.enum.filter((e) => e !== null && typeof e === 'object').map((e) => JSON.stringify(e));
    checks.push((v) => primitives.has(v) || (objects.length > 0 && objects.includes(JSON.stringify(v))));
  }
  if (schema.type !== undefined) {
    const allowed = new Set((Array.isArray(schema.type) ? schema.type : [schema.type]) as string[]);
    if (allowed.has('number')) allowed.add('integer');
    checks.push((v) => allowed.has(typeOf(v)));
  }
  const { minLength, maxLength, pattern, format, minimum, maximum, minItems, maxItems } = schema as Record<string, number | string | undefined>;
  const re = typeof pattern === 'string' ? new RegExp(pattern, 'u') : undefined;
  const formatRe = format === 'date-time' ? DATE_TIME : format === 'uri' ? URI : format === 'email' ? EMAIL : undefined;
  if (minLength !== undefined || maxLength !== undefined || re || formatRe) {
    checks.push((v) => {
      if (typeof v !== 'string') return true;
      const length = minLength === undefined && typeof maxLength === 'number' && v.length <= maxLength ? v.length : codePoints(v);
      if (typeof minLength === 'number' && length < minLength) return false;
      if (typeof maxLength === 'number' && length > maxLength) return false;
      if (re && !re.test(v)) return false;
      if (formatRe && !formatRe.test(v)) return false;
      if (format === 'date-time' && Number.isNaN(Date.parse(v))) return false;
      return true;
    });
  }
  if (typeof minimum === 'number' || typeof maximum === 'number') {
    checks.push((v) => typeof v !== 'number' || ((typeof minimum !== 'number' || v >= minimum) && (typeof maximum !== 'number' || v <= maximum)));
  }
  if (typeof minItems === 'number' || typeof maxItems === 'number') {
    checks.push((v) => !Array.isArray(v) || ((typeof minItems !== 'number' || v.length >= minItems) && (typeof maxItems !== 'number' || v.length <= maxItems)));
  }
  return checks;
}

const compiled = new WeakMap<object, Check>();

function compile(index: SchemaIndex, schema: unknown): Check {
  const resolved = index.resolve(schema);
  const own = compileOwn(resolved);
  const all = Array.isArray(resolved.allOf) ? resolved.allOf.map((b) => compile(index, b)) : [];
  const some = (['anyOf', 'oneOf'] as const).flatMap((k) => {
    const list = resolved[k];
    return Array.isArray(list) && list.length > 0 ? [list.map((b) => compile(index, b))] : [];
  });
  return (v) => {
    for (const c of own) if (!c(v)) return false;
    for (const c of all) if (!c(v)) return false;
    for (const alternatives of some) if (!alternatives.some((c) => c(v))) return false;
    return true;
  };
}

/** Whether `value` fits `schema` (references followed, `allOf` all, `anyOf`/`oneOf` some). */
export function fits(index: SchemaIndex, schema: unknown, value: unknown): boolean {
  if (schema === null || typeof schema !== 'object') return true;
  let check = compiled.get(schema);
  if (!check) {
    check = compile(index, schema);
    compiled.set(schema, check);
  }
  return check(value);
}
