/** Finding the schema of a field inside a payload schema, following `$ref`s and combinators. */
import { deref, type JsonSchema } from './model.js';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The schemas that describe the value at `path` (dotted segments; a number indexes an array)
 * inside `schema`. Several when combinators (`oneOf`/`anyOf`/`allOf`) offer several; none when
 * the path does not exist in any branch.
 *
 * @example schemasAt(doc, { $ref: '#/components/schemas/Thread' }, ['participants', '0', 'userid'])
 */
export function schemasAt(doc: unknown, schema: unknown, path: readonly string[]): JsonSchema[] {
  const resolved = deref(doc, schema).value;
  if (!isObject(resolved)) return [];
  const branches = (['oneOf', 'anyOf', 'allOf'] as const).flatMap((k) => (Array.isArray(resolved[k]) ? (resolved[k] as unknown[]) : []));
  const fromBranches = branches.flatMap((b) => schemasAt(doc, b, path));
  if (path.length === 0) return [resolved, ...fromBranches];
  const [head, ...rest] = path as [string, ...string[]];
  const found: JsonSchema[] = [...fromBranches];
  if (/^\d+$/.test(head) && resolved.items !== undefined) {
    found.push(...schemasAt(doc, resolved.items, rest));
  }
  if (isObject(resolved.properties) && head in resolved.properties) {
    found.push(...schemasAt(doc, resolved.properties[head], rest));
  } else if (isObject(resolved.additionalProperties)) {
    found.push(...schemasAt(doc, resolved.additionalProperties, rest));
  }
  return found;
}
