/**
 * A spec, loaded for the mock: the protocol model (src/spec/model.ts), its schemas, its
 * validators, and the lookups the mock needs (which event an emit's `$ref` names).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildModel, deref, refName as pointerName, type EventModel, type NamespaceModel, type ProtocolModel } from '../../src/spec/model.js';
import { readSpecFile, type SpecSource } from '../../src/spec/source.js';
import { specDir } from '../../src/spec/files.js';
import { SchemaIndex } from './schemas.js';
import { loadValidate, type Validate } from '../../src/spec/event-validators.js';

export interface LoadedSpec {
  readonly source: SpecSource;
  readonly model: ProtocolModel;
  readonly index: SchemaIndex;
  readonly validate: Validate;
  /** Whether `validate` is the generated one (generated/<protocol>/validators.js). */
  readonly generatedValidators: boolean;
  /** The server event a `{ $ref: '#/channels/<channel>/messages/<key>' }` names, and its namespace. */
  eventOf(ref: unknown): { event: EventModel; namespace: NamespaceModel } | undefined;
}

export class SpecLoadError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SpecLoadError';
  }
}

/** The spec file of a protocol of this project (`messenger` → asyncapi/messenger.yaml). */
export function protocolSpecFile(protocol: string): string {
  const file = join(specDir, `${protocol}.yaml`);
  if (!existsSync(file)) throw new SpecLoadError(`unknown protocol '${protocol}' (no ${file})`);
  return file;
}

/** Loads a spec file for the mock. */
export async function loadSpec(file: string): Promise<LoadedSpec> {
  const source = readSpecFile(file);
  const model = buildModel(source);
  const index = new SchemaIndex(model);
  const { validate, generated } = await loadValidate(model);
  const cache = new Map<string, { event: EventModel; namespace: NamespaceModel } | undefined>();
  return {
    source,
    model,
    index,
    validate,
    generatedValidators: generated,
    eventOf(ref) {
      const pointer = (ref as { $ref?: unknown } | undefined)?.$ref;
      if (typeof pointer !== 'string') return undefined;
      if (cache.has(pointer)) return cache.get(pointer);
      const channelKey = /^#\/channels\/([^/]+)\/messages\//.exec(pointer)?.[1];
      const namespace = model.namespaces.find((ns) => ns.key === channelKey);
      const component = deref(source.data, { $ref: pointer }).pointer;
      const key = component?.startsWith('#/components/messages/') ? pointerName(component) : pointerName(pointer);
      const event = namespace?.events.find((e) => e.direction === 'server' && e.key === key);
      const found = event && namespace ? { event, namespace } : undefined;
      cache.set(pointer, found);
      return found;
    },
  };
}
