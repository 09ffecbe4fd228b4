/** Validating payloads against a spec at run time (tests and checks; servers use the generated validators). */
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { createAjv } from './ajv.js';
import { rebaseRefs } from './check.js';
import type { EventModel, ProtocolModel } from './model.js';

export interface PayloadProblem {
  /** The field at fault as a dotted path (`participants.0.userid`), or '' for the payload itself. */
  readonly field: string;
  /** What is wrong, in words a client developer understands. */
  readonly message: string;
}

/** Turns one ajv error into a field path and a sentence. */
export function describePayloadError(error: ErrorObject): PayloadProblem {
  const segments = error.instancePath.split('/').filter(Boolean).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') segments.push(String(params.missingProperty));
  if (error.keyword === 'additionalProperties') segments.push(String(params.additionalProperty));
  const field = segments.join('.');
  let reason = error.message ?? 'is invalid';
  if (error.keyword === 'required') reason = 'is required';
  else if (error.keyword === 'additionalProperties') reason = 'is not allowed';
  else if (error.keyword === 'enum') reason = `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  return { field, message: field ? `${field} ${reason}` : `payload ${reason}` };
}

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
