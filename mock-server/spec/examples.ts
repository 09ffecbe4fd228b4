/**
 * The spec's examples, sorted by the component each value belongs to: every message example is
 * walked along its payload schema, so that `Chat` objects inside a `userChats` example are
 * examples of `Chat`, and ids inside them examples of `StoredId`. The mock uses them as realistic
 * bases for generated objects and to learn what its ids look like.
 */
import type { ProtocolModel } from '../../src/spec/model.js';
import { refName, type SchemaIndex } from './schemas.js';

function walk(index: SchemaIndex, schema: unknown, value: unknown, out: Map<string, unknown[]>, depth: number): void {
  if (depth > 12 || schema === undefined) return;
  const component = refName(schema);
  if (component) {
    const list = out.get(component) ?? [];
    list.push(value);
    out.set(component, list);
  }
  if (Array.isArray(value)) {
    const items = index.items(schema);
    if (items !== undefined) for (const v of value) walk(index, items, v, out, depth + 1);
  } else if (value !== null && typeof value === 'object') {
    const props = index.properties(schema);
    for (const [k, v] of Object.entries(value)) if (props[k] !== undefined) walk(index, props[k], v, out, depth + 1);
  }
}

/** Example values by component name, over every message example of the spec. */
export function examplesByComponent(model: ProtocolModel, index: SchemaIndex): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  const seen = new Set<string>();
  for (const ns of model.namespaces) {
    for (const event of ns.events) {
      // A message shared by two channels is walked once.
      if (seen.has(event.payloadPointer)) continue;
      seen.add(event.payloadPointer);
      for (const example of event.examples) walk(index, event.payload, example.payload, out, 0);
    }
  }
  return out;
}
