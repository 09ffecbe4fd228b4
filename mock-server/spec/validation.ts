/** Validating payloads (src/spec/event-validators.ts), and any sub-schema of a spec. */
import type { Ajv, ValidateFunction } from 'ajv';
import { createAjv } from '../../src/spec/ajv.js';
import { rebaseRefs } from '../../src/spec/check.js';
import type { ProtocolModel } from '../../src/spec/model.js';
import { describePayloadError, type PayloadProblem } from '../../src/spec/payloads.js';

export type { PayloadProblem };

/** Validators of arbitrary sub-schemas of a spec (entities, list items), compiled once each. */
export class SchemaChecker {
  private readonly ajv: Ajv;
  private readonly cache = new Map<unknown, ValidateFunction>();

  constructor(model: ProtocolModel) {
    this.ajv = createAjv();
    this.ajv.addSchema({ $id: 'spec', components: { schemas: model.schemas } }, 'spec');
  }

  /** The problems of a value against a schema of the spec (as written, `$ref`s allowed). */
  check(schema: unknown, value: unknown): PayloadProblem[] {
    let v = this.cache.get(schema);
    if (!v) {
      v = this.ajv.compile(rebaseRefs(schema) as object);
      this.cache.set(schema, v);
    }
    return v(value) ? [] : (v.errors ?? []).map(describePayloadError);
  }
}
