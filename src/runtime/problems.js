// Plain JavaScript so that the standalone validators (also JavaScript) can share it.

/**
 * Turns one ajv error into the field at fault (a dotted path) and a sentence naming it.
 * @param {instancePath: string, keyword: string, params: Record<string, unknown>, message?: string} error
 * @returns {field: string, message: string}
 */
export function describePayloadError(error) {
  const segments = error.instancePath
    .split('/')
    .filter(Boolean)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = error.params;
  if (error.keyword === 'required') segments.push(String(params.missingProperty));
  if (error.keyword === 'additionalProperties') segments.push(String(params.additionalProperty));
  const field = segments.join('.');
  let reason = error.message ?? 'is invalid';
  if (error.keyword === 'required') reason = 'is required';
  else if (error.keyword === 'additionalProperties') reason = 'is not allowed';
  else if (error.keyword === 'enum') reason = `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  const problem = { field, message: field ? `${field} ${reason}` : `payload ${reason}` };
  // A binary over its limit is not a malformed payload: CONVENTIONS.md §5 gives it its own kind (413).
  return error.keyword === 'x-socketio-binary' && params.tooLarge ? { ...problem, tooLarge: true } : problem;
}
