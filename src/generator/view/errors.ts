/** The protocol's error event: how a failure becomes its payload (CONVENTIONS.md §5). */
import type { Value } from '../../spec/vocabulary.js';

const ERROR_FIELDS: Record<string, string> = {
  '$error.kind': 'e.kind',
  '$error.status': 'e.status',
  '$error.message': 'e.message',
  '$error.event': 'e.event',
  '$error.field': 'e.field',
};

/**
 * A TypeScript expression building the error payload from `e` (a failure with kind, status,
 * message, event, field), from the channel's `errors.fields` mapping.
 *
 * @example errorPayloadExpression({ error: true, 'data.field': '$error.field' })
 *   // '{ error: true, data: { field: e.field } }'
 */
export function errorPayloadExpression(fields: Record<string, Value>): string {
  const tree: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(fields)) {
    const parts = path.split('.');
    let node = tree;
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[parts[parts.length - 1]!] = value;
  }
  return print(tree);
}

function print(node: unknown): string {
  if (typeof node === 'string' && node.startsWith('$')) {
    const code = ERROR_FIELDS[node];
    if (!code) throw new Error(`${node} cannot be used in an error payload (use $error.kind|status|message|event|field)`);
    return code;
  }
  if (typeof node === 'object' && node !== null && !Array.isArray(node)) {
    const entries = Object.entries(node).map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${print(v)}`);
    return `{ ${entries.join(', ')} }`;
  }
  return JSON.stringify(node);
}
