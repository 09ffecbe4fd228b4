/**
 * JSON Schema → TypeScript types. Component schemas become named types; references to them stay
 * references (`Thread`), so the generated types read like the spec. Validation-only keywords
 * (limits, formats, if/then) are left to the validators and mentioned in JSDoc where useful.
 */
import { propertyKey } from '../spec/names.js';

type Schema = Record<string, unknown>;

const isObject = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The TypeScript type generated code uses for a binary attachment. */
export const BINARY_TYPE = 'Binary';

/** A JSDoc block from a schema's description and notable constraints, or '' when there is nothing to say. */
export function jsdoc(schema: unknown, indent = ''): string {
  if (!isObject(schema)) return '';
  const lines: string[] = [];
  if (typeof schema.description === 'string') lines.push(...schema.description.trim().split('\n'));
  const notes: string[] = [];
  if (typeof schema.format === 'string') notes.push(`format: ${schema.format}`);
  if (typeof schema.maxLength === 'number') notes.push(`at most ${schema.maxLength} characters`);
  if (typeof schema.maxItems === 'number') notes.push(`at most ${schema.maxItems} items`);
  if (isObject(schema['x-socketio-binary'])) notes.push(`binary, at most ${String(schema['x-socketio-binary'].maxBytes)} bytes`);
  if (notes.length) lines.push(`(${notes.join('; ')})`);
  if (lines.length === 0) return '';
  const body = lines.map((l) => `${indent} *${l ? ` ${l.replace(/\*\//g, '*\\/')}` : ''}`).join('\n');
  return `${indent}/**\n${body}\n${indent} */\n`;
}

/**
 * The TypeScript type expression of a schema.
 *
 * @example tsType({ type: 'array', items: { $ref: '#/components/schemas/User' } }) // 'User[]'
 */
export function tsType(schema: unknown, indent = ''): string {
  if (schema === true || schema === undefined) return 'unknown';
  if (schema === false) return 'never';
  if (!isObject(schema)) return 'unknown';
  if (typeof schema.$ref === 'string') return schema.$ref.slice(schema.$ref.lastIndexOf('/') + 1);
  if (isObject(schema['x-socketio-binary'])) return BINARY_TYPE;
  if ('const' in schema) return literal(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map(literal).join(' | ');
  for (const k of ['oneOf', 'anyOf'] as const) {
    const branches = schema[k];
    // Branches that only add `required` lists (anyOf: [{required: [a]}, …]) constrain, they do not type.
    if (Array.isArray(branches) && branches.some(hasTypeInfo)) {
      const union = unique(branches.map((b) => tsType(b, indent)));
      const base = withoutKeys(schema, [k]);
      return hasTypeInfo(base) ? `(${tsType(base, indent)}) & (${union.join(' | ')})` : union.length > 1 ? union.map(paren).join(' | ') : union[0]!;
    }
  }
  if (Array.isArray(schema.allOf) && schema.allOf.some(hasTypeInfo)) {
    const parts = schema.allOf.filter(hasTypeInfo).map((b) => paren(tsType(b, indent)));
    const base = withoutKeys(schema, ['allOf']);
    return [...(hasTypeInfo(base) ? [paren(tsType(base, indent))] : []), ...parts].join(' & ');
  }
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : typeof schema.type === 'string' ? [schema.type] : inferTypes(schema);
  if (types.length === 0) return 'unknown';
  return unique(types.map((t) => single(t, schema, indent))).join(' | ');
}

function single(type: string, schema: Schema, indent: string): string {
  switch (type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return `${paren(tsType(schema.items, indent))}[]`;
    case 'object':
      return objectType(schema, indent);
    default:
      return 'unknown';
  }
}

function objectType(schema: Schema, indent: string): string {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const inner = `${indent}  `;
  const members = Object.entries(properties).map(
    ([name, prop]) => `${jsdoc(prop, inner)}${inner}${propertyKey(name)}${required.has(name) ? '' : '?'}: ${tsType(prop, inner)};`,
  );
  const extra = schema.additionalProperties;
  if (extra === undefined || extra === true) members.push(`${inner}[key: string]: unknown;`);
  else if (isObject(extra)) members.push(`${inner}[key: string]: ${tsType(extra, inner)};`);
  if (members.length === 0) return 'Record<string, never>';
  return `{\n${members.join('\n')}\n${indent}}`;
}

function inferTypes(schema: Schema): string[] {
  if (isObject(schema.properties) || schema.additionalProperties !== undefined) return ['object'];
  if (schema.items !== undefined) return ['array'];
  return [];
}

function hasTypeInfo(schema: unknown): boolean {
  if (!isObject(schema)) return false;
  return ['$ref', 'type', 'properties', 'items', 'enum', 'const', 'oneOf', 'anyOf', 'allOf', 'x-socketio-binary'].some((k) => k in schema);
}

function withoutKeys(schema: Schema, keys: string[]): Schema {
  return Object.fromEntries(Object.entries(schema).filter(([k]) => !keys.includes(k)));
}

function literal(value: unknown): string {
  return value === null ? 'null' : JSON.stringify(value);
}

function paren(type: string): string {
  return /^[A-Za-z0-9_$.]+(\[\])*$|^"[^"]*"$/.test(type) || type.startsWith('{') ? type : `(${type})`;
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
