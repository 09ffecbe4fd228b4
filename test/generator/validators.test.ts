/**
 * The generated validators, loaded as users load them and run: every example of every spec is
 * accepted; payloads mutated in the ways clients get them wrong are rejected, naming the field.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deref, type EventModel, type JsonSchema } from '../../src/spec/model.js';
import { generatedDir } from '../../src/generator/generate.js';
import { loadSpec, PROTOCOLS } from '../helpers/specs.js';

type Validate = (namespace: string, direction: 'client' | 'server', event: string, payload: unknown) => readonly { field: string; message: string }[];

interface Mutation {
  readonly name: string;
  readonly field: string;
  readonly payload: Record<string, unknown>;
}

/** Mutations of a valid object payload: one per way a client gets a field wrong. */
function mutations(doc: unknown, schema: JsonSchema, example: Record<string, unknown>): Mutation[] {
  const s = deref(doc, schema).value as JsonSchema;
  const properties = (s.properties ?? {}) as Record<string, JsonSchema>;
  const required = (s.required as string[] | undefined) ?? [];
  const out: Mutation[] = [];
  for (const field of required.filter((f) => f in example)) {
    const { [field]: _removed, ...rest } = example;
    out.push({ name: `missing required ${field}`, field, payload: rest });
  }
  if (s.additionalProperties === false) out.push({ name: 'unknown field', field: 'notInTheSpec', payload: { ...example, notInTheSpec: 1 } });
  for (const [field, raw] of Object.entries(properties)) {
    if (!(field in example)) continue;
    const p = deref(doc, raw).value as JsonSchema;
    const types = ([] as unknown[]).concat(p.type ?? []);
    if (types.length === 1 && types[0] === 'string') {
      out.push({ name: `${field} of the wrong type`, field, payload: { ...example, [field]: { not: 'a string' } } });
      if (typeof p.maxLength === 'number') out.push({ name: `${field} over its maxLength`, field, payload: { ...example, [field]: 'x'.repeat(p.maxLength + 1) } });
      if (typeof p.format === 'string' && !p.enum) out.push({ name: `${field} in a bad ${p.format} format`, field, payload: { ...example, [field]: 'not a valid value at all' } });
    }
    if (types.length === 1 && (types[0] === 'integer' || types[0] === 'number')) {
      out.push({ name: `${field} of the wrong type`, field, payload: { ...example, [field]: 'seven' } });
    }
  }
  return out;
}

describe.each(PROTOCOLS)('%s validators', async (protocol) => {
  const { model, source } = loadSpec(protocol);
  const { validate, events } = (await import(join(generatedDir, protocol, 'validators.js'))) as { validate: Validate; events: Record<string, { client: string[]; server: string[] }> };
  const all = model.namespaces.flatMap((ns) => ns.events.map((e) => [ns.path, e] as [string, EventModel]));
  const examples = all.flatMap(([path, e]) => e.examples.map((x, i) => [`${path} ${e.direction} ${e.name} #${i}`, path, e, x.payload] as const));

  it('is plain ESM: no require() in the generated file', () => {
    const code = readFileSync(join(generatedDir, protocol, 'validators.js'), 'utf8');
    expect(code).not.toMatch(/\brequire\(/);
  });

  it('lists every event of the spec', () => {
    for (const ns of model.namespaces) {
      expect(events[ns.path]!.client.sort()).toEqual(ns.events.filter((e) => e.direction === 'client').map((e) => e.name).sort());
      expect(events[ns.path]!.server.sort()).toEqual(ns.events.filter((e) => e.direction === 'server').map((e) => e.name).sort());
    }
  });

  it.each(examples)('accepts the example %s', (_label, path, event, payload) => {
    const name = event.name.includes('{') ? event.name.replace(/\{[^}]+\}/g, 'u1') : event.name;
    expect(validate(path, event.direction, name, payload)).toEqual([]);
  });

  const mutated = examples.flatMap(([label, path, event, payload]) =>
    payload && typeof payload === 'object' && !Array.isArray(payload)
      ? mutations(source.data, event.payload, payload as Record<string, unknown>).map((m) => [`${label}: ${m.name}`, path, event, m] as const)
      : [],
  );

  it('has mutations to try for every client event', () => {
    const clientEvents = new Set(all.filter(([, e]) => e.direction === 'client' && e.examples.length).map(([, e]) => e.key));
    const mutatedEvents = new Set(mutated.filter(([, , e]) => e.direction === 'client').map(([, , e]) => e.key));
    expect([...clientEvents].filter((k) => !mutatedEvents.has(k) && all.find(([, e]) => e.key === k)![1].examples.some((x) => x.payload && Object.keys(x.payload).length))).toEqual([]);
  });

  it.each(mutated)('rejects %s, naming the field', (_label, path, event, mutation) => {
    const name = event.name.includes('{') ? event.name.replace(/\{[^}]+\}/g, 'u1') : event.name;
    const problems = validate(path, event.direction, name, mutation.payload);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]!.field.split('.')[0]).toBe(mutation.field);
    expect(problems[0]!.message).toContain(mutation.field);
  });

  it('names an unknown event as a problem', () => {
    const path = model.namespaces[0]!.path;
    expect(validate(path, 'client', 'noSuchEvent', {})).toEqual([{ field: '', message: "unknown event 'noSuchEvent'" }]);
  });
});
