/**
 * A request where the spec has no example to start from (a binary payload cannot be written in
 * YAML): generated from the payload schema by json-schema-faker, seeded, with bytes where the
 * schema says binary (a one-pixel PNG, so that servers checking bytes against a type accept it).
 */
import { generateSync, type JsonSchema as FakerSchema } from 'json-schema-faker';
import { PNG_PIXEL } from '../spec/binary-sample.js';
import { deref, type EventModel, type ProtocolModel } from '../spec/model.js';


const BINARY = 'x-socketio-binary';

/** The schema with its `$ref`s inlined (cycles cut after a few levels) and binary fields marked for replacement. */
function inline(doc: unknown, schema: unknown, depth = 0): unknown {
  if (Array.isArray(schema)) return schema.map((s) => inline(doc, s, depth + 1));
  if (schema === null || typeof schema !== 'object') return schema;
  if (depth > 20) return { type: 'null' };
  const resolved = deref(doc, schema).value as Record<string, unknown>;
  if (resolved[BINARY] !== undefined) return { type: 'string', const: BINARY };
  return Object.fromEntries(Object.entries(resolved).map(([k, v]) => [k, k === 'examples' ? v : inline(doc, v, depth + 1)]));
}

function withBytes(value: unknown): unknown {
  if (value === BINARY) return PNG_PIXEL;
  if (Array.isArray(value)) return value.map(withBytes);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withBytes(v)]));
  return value;
}

/** A generated payload of a client event, or undefined when the faker cannot make one. */
export function fakePayload(model: ProtocolModel, event: EventModel, seed: number): unknown {
  const doc = { components: { schemas: model.schemas } };
  try {
    return withBytes(generateSync(inline(doc, event.payload) as FakerSchema, { seed: seed || 1, alwaysFakeOptionals: false, optionalsProbability: 0, maxDefaultItems: 1 }));
  } catch {
    return undefined;
  }
}
