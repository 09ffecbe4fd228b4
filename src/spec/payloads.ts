/** Validating payloads against a spec at run time (tests and checks; servers use the generated validators). */
import type { Ajv, ValidateFunction } from 'ajv';
import { describePayloadError, type PayloadProblem } from '../runtime/problems.js';
import { createAjv } from './ajv.js';
import { rebaseRefs } from './check.js';
import type { EventModel, ProtocolModel } from './model.js';

// One description of a payload problem for everything: the generated runtime's, which the
// generated validators use too, so tests and servers word problems alike.
export { describePayloadError, type PayloadProblem } from '../runtime/problems.js';

/** Compiles a validator per event of a protocol, from the spec's own schemas. */
export class SpecValidators {
  private readonly ajv: Ajv;
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(model: ProtocolModel) {
    this.ajv = createAjv();
    this.ajv.addSchema({ $id: 'spec', components: { schemas: model.schemas } }, 'spec');
  }

  /** The validator of an event's payload. */
  validator(event: EventModel): ValidateFunction {
    let v = this.cache.get(event.payloadPointer);
    if (!v) {
      v = this.ajv.compile(rebaseRefs(event.payload) as object);
      this.cache.set(event.payloadPointer, v);
    }
    return v;
  }

  /** Validates a payload; resolves to the problems found (none when valid). */
  check(event: EventModel, payload: unknown): PayloadProblem[] {
    const v = this.validator(event);
    return v(payload) ? [] : (v.errors ?? []).map(describePayloadError);
  }
}
