/**
 * The spec's JSON Schemas, as the mock walks them: following `$ref`s, finding the schema of a
 * field, telling which component a value belongs to. Built once per spec.
 */
import { deref, type JsonSchema, type ProtocolModel } from '../../src/spec/model.js';
import type { Path } from '../../src/spec/paths.js';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The name of a `#/components/schemas/<name>` reference, if the schema is one. */
export function refName(schema: unknown): string | undefined {
  if (!isObject(schema) || typeof schema.$ref !== 'string') return undefined;
  const ref = schema.$ref;
  return ref.startsWith('#/components/schemas/') ? ref.slice('#/components/schemas/'.length) : undefined;
}

/** Answers computed once per schema object: the schemas never change while a mock runs. */
class Memo<T> {
  private readonly byObject = new WeakMap<object, T>();
  get(schema: unknown, compute: () => T): T {
    if (!isObject(schema)) return compute();
    let v = this.byObject.get(schema);
    if (v === undefined) {
      v = compute();
      this.byObject.set(schema, v);
    }
    return v;
  }
}

export class SchemaIndex {
  /** What `$ref`s resolve against: the spec's `components/schemas`. */
  readonly doc: { components: { schemas: Readonly<Record<string, JsonSchema>> } };
  private readonly resolved = new Memo<JsonSchema>();
  private readonly branchMemo = new Memo<JsonSchema[]>();
  private readonly propertyMemo = new Memo<Record<string, unknown>>();
  private readonly requiredMemo = new Memo<Set<string>>();
  private readonly itemsMemo = new Memo<{ items: unknown }>();
  private readonly typesMemo = new Memo<string[]>();

  constructor(readonly model: ProtocolModel) {
    this.doc = { components: { schemas: model.schemas } };
  }

  /** The schema behind `$ref`s (the schema itself when it is not a reference). */
  resolve(schema: unknown): JsonSchema {
    return this.resolved.get(schema, () => {
      const value = deref(this.doc, schema).value;
      return isObject(value) ? value : {};
    });
  }

  /** The component name of a schema or of the first reference on the way to it. */
  componentOf(schema: unknown): string | undefined {
    return refName(schema);
  }

  /** The branches a schema offers (itself, and its `allOf`/`anyOf`/`oneOf` members, resolved). */
  branches(schema: unknown): JsonSchema[] {
    return this.branchMemo.get(schema, () => this.computeBranches(schema));
  }

  private computeBranches(schema: unknown): JsonSchema[] {
    const resolved = this.resolve(schema);
    const out = [resolved];
    for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
      const list = resolved[k];
      if (Array.isArray(list)) for (const b of list) out.push(...this.branches(b));
    }
    return out;
  }

  /** The properties of an object schema, over its branches, first definition wins. */
  properties(schema: unknown): Record<string, unknown> {
    return this.propertyMemo.get(schema, () => this.computeProperties(schema));
  }

  private computeProperties(schema: unknown): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const b of this.branches(schema)) {
      if (isObject(b.properties)) for (const [k, v] of Object.entries(b.properties)) if (!(k in out)) out[k] = v;
    }
    return out;
  }

  /** The required properties of an object schema (its own `required`, not conditional ones). */
  required(schema: unknown): Set<string> {
    return this.requiredMemo.get(schema, () => {
      const resolved = this.resolve(schema);
      return new Set(Array.isArray(resolved.required) ? (resolved.required as string[]) : []);
    });
  }

  /** The schema of an array's items, if it is an array schema. */
  items(schema: unknown): unknown {
    return this.itemsMemo.get(schema, () => ({ items: this.branches(schema).find((b) => b.items !== undefined)?.items })).items;
  }

  /** Whether the schema describes an array. */
  isArray(schema: unknown): boolean {
    return this.branches(schema).some((b) => b.type === 'array' || (Array.isArray(b.type) && b.type.includes('array')) || b.items !== undefined);
  }

  /** Whether the schema describes an object. */
  isObject(schema: unknown): boolean {
    return this.branches(schema).some((b) => b.type === 'object' || b.properties !== undefined);
  }

  /** The types a schema allows (`string`, `integer`, `null`…), empty when it says none. */
  types(schema: unknown): string[] {
    return this.typesMemo.get(schema, () => this.computeTypes(schema));
  }

  private computeTypes(schema: unknown): string[] {
    const out = new Set<string>();
    for (const b of this.branches(schema)) {
      if (typeof b.type === 'string') out.add(b.type);
      else if (Array.isArray(b.type)) for (const t of b.type) out.add(String(t));
    }
    return [...out];
  }

  /** The schema (as written, possibly a `$ref`) of the value at `path` inside `schema`. */
  at(schema: unknown, path: Path): unknown {
    let node: unknown = schema;
    for (const seg of path) {
      if (typeof seg === 'number' || seg === '*') {
        node = this.items(node);
      } else {
        const parent = node;
        node = this.properties(parent)[seg];
        // An open object's additional properties.
        if (node === undefined) node = this.branches(parent).find((b) => isObject(b.additionalProperties))?.additionalProperties;
      }
      if (node === undefined) return undefined;
    }
    return node;
  }

  /** The annotation keywords of a schema and of the references on the way to it (the outermost wins). */
  annotation(schema: unknown, key: string): unknown {
    let node: unknown = schema;
    const seen = new Set<unknown>();
    while (isObject(node) && !seen.has(node)) {
      seen.add(node);
      if (node[key] !== undefined) return node[key];
      if (typeof node.$ref !== 'string') return undefined;
      node = deref(this.doc, { $ref: node.$ref }).value;
    }
    return undefined;
  }
}
