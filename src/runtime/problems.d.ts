
/** A payload problem: the field at fault and what is wrong with it. */
export interface PayloadProblem {
  /** The field as a dotted path (`participants.0.userid`), or '' for the payload itself. */
  readonly field: string;
  /** A sentence naming the field and the reason (`receiverid is required`). */
  readonly message: string;
  /** Set when the problem is a binary over its size limit (error kind `payloadTooLarge`, 413). */
  readonly tooLarge?: true;
}

/** Turns one ajv error into a {@link PayloadProblem}. */
export function describePayloadError(error: {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}): PayloadProblem;
