/**
 * Lists in payloads: where a server event carries conversations or messages (schemas marked
 * `x-parley-entity`, CONVENTIONS.md §7), found once from its schema, so that the state cases can
 * ask whether what a user made shows in their later lists, and what they deleted does not.
 */
import { deref, refName, type ProtocolModel } from '../spec/model.js';
import type { EntityExt } from '../spec/vocabulary.js';

/** Where in a payload entities of one kind sit: `data.*` (a list), or `chat` (one). */
export interface EntityPlace {
  readonly path: readonly string[];
  readonly kind: 'message' | 'conversation';
  readonly entity: EntityExt;
  /** The entity's schema (a `$ref`), to look for the places inside it. */
  readonly schema: unknown;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The places of entities in a schema, lists and single ones, a few levels deep. */
export function entityPlaces(model: ProtocolModel, schema: unknown, path: string[] = [], depth = 0): EntityPlace[] {
  if (!isObj(schema) || depth > 6) return [];
  const doc = { components: { schemas: model.schemas } };
  const name = typeof schema.$ref === 'string' ? refName(schema.$ref) : undefined;
  const entity = name ? model.entities[name] : undefined;
  const here: EntityPlace[] = entity ? [{ path, kind: entity.kind, entity, schema }] : [];
  const resolved = deref(doc, schema).value as Obj;
  if (!isObj(resolved)) return here;
  const nested: EntityPlace[] = [];
  if (resolved.type === 'array' || resolved.items) nested.push(...entityPlaces(model, resolved.items, [...path, '*'], depth + 1));
  if (isObj(resolved.properties)) for (const [k, v] of Object.entries(resolved.properties)) nested.push(...entityPlaces(model, v, [...path, k], depth + 1));
  for (const key of ['oneOf', 'anyOf', 'allOf'] as const) if (Array.isArray(resolved[key])) for (const b of resolved[key] as unknown[]) nested.push(...entityPlaces(model, b, path, depth + 1));
  // An entity's own insides (a chat's messages) are places too; the entity itself first.
  return [...here, ...nested];
}

/** Whether a place is a list (it passes through an array). */
export const isList = (place: EntityPlace): boolean => place.path.includes('*');
