/**
 * Payloads for any schema of a spec: the spec's examples first, json-schema-faker (with
 * realistic values) otherwise. Each schema gets a small pool of valid payloads, generated once
 * per seed when first needed; taking a payload is then a pick and a copy, so the hot path never
 * runs the faker. Pools are derived from the seed and the schema alone, so they are the same
 * whatever the order in which they are first needed.
 */
import { generateSync, type JsonSchema as FakerSchema } from 'json-schema-faker';
import type { EventModel } from '../../src/spec/model.js';
import { fits } from './fits.js';
import { clone } from '../../src/spec/paths.js';
import { Random, hash32 } from '../state/random.js';
import { hintFor, type Hint, type Realism } from './realism.js';
import { refName, type SchemaIndex } from '../spec/schemas.js';
import type { Logger } from '../../src/server/logger.js';
import { PNG_PIXEL } from '../../src/spec/binary-sample.js';

const HINT = 'x-mock-hint';
const COMPONENT = 'x-mock-component';
const BINARY = 'x-mock-binary';

/** A tiny PNG: what a generated binary field carries. */

interface PoolSpec {
  readonly schema: unknown;
  readonly examples: readonly unknown[];
  /** Whether a candidate is valid (the generated validator for event payloads). */
  readonly valid: (value: unknown) => boolean;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export interface FactoryOptions {
  /** Generated payloads per schema without examples. */
  readonly poolSize?: number;
  /** Use the spec's examples (default true); false generates everything (tests of the generator). */
  readonly examples?: boolean;
  readonly logger?: Logger;
}

export class PayloadFactory {
  private readonly specs = new Map<string, PoolSpec>();
  private readonly pools = new Map<string, unknown[]>();
  private readonly inlined = new Map<string, FakerSchema>();
  private readonly keys = new WeakMap<object, string>();
  private readonly poolSize: number;
  private seed: number;

  constructor(
    private readonly index: SchemaIndex,
    private readonly realism: Realism,
    private readonly examples: ReadonlyMap<string, readonly unknown[]>,
    private readonly check: (schema: unknown, value: unknown) => boolean,
    seed: number,
    private readonly options: FactoryOptions = {},
  ) {
    this.seed = seed;
    this.poolSize = options.poolSize ?? 6;
  }

  /** Forgets every pool: the next payloads come from the new seed. */
  reseed(seed: number): void {
    this.seed = seed;
    this.pools.clear();
  }

  /** The pool key of an event's payload, registered with the event's validator and examples. */
  forEvent(event: EventModel, namespace: string, validate: (payload: unknown) => boolean): string {
    const key = `event:${namespace}:${event.direction}:${event.key}`;
    if (!this.specs.has(key)) {
      const own = event.examples.map((e) => e.payload);
      const component = refName(event.payload);
      const more = component ? (this.examples.get(component) ?? []) : [];
      this.specs.set(key, { schema: event.payload, examples: [...own, ...more.filter((m) => !own.includes(m))], valid: validate });
    }
    return key;
  }

  /** The pool key of any schema of the spec (a component reference or an inline schema). */
  forSchema(schema: unknown): string {
    const component = refName(schema);
    let key: string;
    if (component) key = `component:${component}`;
    else if (isObject(schema)) {
      key = this.keys.get(schema) ?? `inline:${hash32(JSON.stringify(schema))}`;
      this.keys.set(schema, key);
    } else key = `inline:${JSON.stringify(schema)}`;
    if (!this.specs.has(key)) {
      this.specs.set(key, {
        schema,
        examples: component ? (this.examples.get(component) ?? []) : [],
        valid: (value) => this.check(schema, value),
      });
    }
    return key;
  }

  /**
   * The payload of a pool that belongs to `id` (a message, a conversation): always the same one
   * for the same seed and id, so that an object shows the same generated details every time.
   */
  stable(key: string, id: string): unknown {
    const pool = this.pool(key);
    if (pool.length === 0) return undefined;
    return clone(pool[hash32(this.seed, key, id) % pool.length]);
  }

  /** A payload from a pool: a fresh copy, picked with `rng`. */
  sample(key: string, rng: Random): unknown {
    const pool = this.pool(key);
    if (pool.length === 0) return undefined;
    return clone(pool[rng.int(pool.length)]);
  }

  private warming = false;

  /**
   * Builds every registered pool, one per macrotask, so that no client event waits for one.
   * Resolves when done, or as soon as {@link stopWarming} is called (the mock is closing).
   */
  warm(): Promise<void> {
    const keys = [...this.specs.keys()];
    this.warming = true;
    return new Promise((resolve) => {
      const next = () => {
        const key = keys.shift();
        if (key === undefined || !this.warming) {
          this.warming = false;
          return resolve();
        }
        this.pool(key);
        setImmediate(next);
      };
      setImmediate(next);
    });
  }

  /** Stops a {@link warm} in progress. */
  stopWarming(): void {
    this.warming = false;
  }

  /** Every payload of a pool (examples first), building it if needed. */
  pool(key: string): unknown[] {
    let pool = this.pools.get(key);
    if (pool) return pool;
    const spec = this.specs.get(key);
    if (!spec) throw new Error(`unknown pool ${key}`);
    // The spec's examples first: json-schema-faker only where a schema has none.
    pool = this.options.examples === false ? [] : spec.examples.filter((e) => spec.valid(e)).map(clone);
    const wanted = pool.length > 0 ? pool.length : this.poolSize;
    for (let attempt = 0; pool.length < wanted && attempt < this.poolSize * 4; attempt++) {
      const value = this.generate(key, spec, hash32(this.seed, key, attempt));
      if (value !== undefined && spec.valid(value)) pool.push(value);
    }
    if (pool.length === 0) this.options.logger?.warn({ pool: key }, 'no valid payload could be generated for this schema');
    this.pools.set(key, pool);
    return pool;
  }

  private generate(key: string, spec: PoolSpec, seed: number): unknown {
    let schema = this.inlined.get(key);
    if (!schema) {
      schema = this.inline(spec.schema, undefined, 0) as FakerSchema;
      this.inlined.set(key, schema);
    }
    const rng = new Random(hash32(seed, 'realism'));
    try {
      return generateSync(schema, {
        seed: seed || 1,
        maxDefaultItems: 3,
        optionalsProbability: 0.7,
        refDepthMax: 3,
        outputTransform: (value, node) => this.realistic(value, node as Record<string, unknown>, rng),
      });
    } catch (err) {
      this.options.logger?.debug({ err, pool: key }, 'json-schema-faker failed');
      return undefined;
    }
  }

  private realistic(value: unknown, node: Record<string, unknown>, rng: Random): unknown {
    if (!isObject(node)) return value;
    if (node[BINARY] !== undefined) return PNG_PIXEL;
    const hint = node[HINT] as Hint | undefined;
    if (!hint) return value;
    let candidate = this.realism.value(hint, rng, node[COMPONENT] as string | undefined);
    const types = Array.isArray(node.type) ? node.type : [node.type];
    if (typeof candidate === 'string' && /^\d+$/.test(candidate) && (types.includes('integer') || types.includes('number'))) candidate = Number(candidate);
    return candidate !== undefined && fits(this.index, node, candidate) ? candidate : value;
  }

  /** A self-contained copy of a schema for json-schema-faker: references inlined, fields hinted. */
  private inline(schema: unknown, prop: string | undefined, depth: number): unknown {
    if (Array.isArray(schema)) return schema.map((s) => this.inline(s, prop, depth + 1));
    if (!isObject(schema)) return schema;
    const component = refName(schema);
    const resolved = component ? this.index.resolve(schema) : schema;
    if (depth > 24) return { type: 'null' };
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(resolved)) {
      if (k === 'description' || k === 'examples' || k === 'x-parley-entity' || k === 'title') continue;
      if (k === 'properties' && isObject(v)) {
        out.properties = Object.fromEntries(Object.entries(v).map(([name, s]) => [name, this.inline(s, name, depth + 1)]));
      } else if (k === 'items') {
        out.items = this.inline(v, prop, depth + 1);
      } else if (k === 'x-socketio-binary') {
        out[BINARY] = v;
      } else if (['allOf', 'anyOf', 'oneOf', 'if', 'then', 'else', 'not', 'additionalProperties'].includes(k)) {
        out[k] = this.inline(v, prop, depth + 1);
      } else {
        out[k] = v;
      }
    }
    if (out[BINARY] !== undefined) return { type: 'string', [BINARY]: out[BINARY] };
    const hint = hintFor(prop, component, out, this.realism.idShapes);
    if (hint) {
      out[HINT] = hint;
      if (component) out[COMPONENT] = component;
    }
    // Generated data stays small: a few items per list (a UI needs no 500 chats of 50
    // messages to look right), and short strings where nothing more realistic replaces them.
    const min = (k: string) => (typeof out[k] === 'number' ? (out[k] as number) : 0);
    if (typeof out.maxItems === 'number') out.maxItems = Math.min(out.maxItems, Math.max(min('minItems'), 3));
    if (!hint && typeof out.maxLength === 'number' && out.pattern === undefined && out.format === undefined) out.maxLength = Math.min(out.maxLength, Math.max(min('minLength'), 32));
    return out;
  }
}
