/**
 * Checking a spec: the AsyncAPI parser for the AsyncAPI part, and Parley's own checks for the
 * conventions (asyncapi/CONVENTIONS.md) that the parser does not look inside. Every problem is a
 * {@link Diagnostic} that names the file, the path and the line.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { createAjv } from './ajv.js';
import { describePayloadError } from '../runtime/problems.js';
import { deref, refName, resolvePointer } from './model.js';
import { schemasAt } from './schema-paths.js';
import { formatPath, type JsonPath, type SpecSource } from './source.js';
import { asList, isExpression } from './vocabulary.js';

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  readonly severity: Severity;
  /** A stable name for the kind of problem (`unknown-request-field`, `asyncapi-schema`…). */
  readonly code: string;
  readonly message: string;
  readonly file: string;
  readonly path: JsonPath;
  readonly line?: number;
}

/** `file:line: severity code: message (at path)`, the form editors and CI logs link. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.path.length ? ` (at ${formatPath(d.path)})` : '';
  return `${d.file}${d.line ? `:${d.line}` : ''}: ${d.severity} ${d.code}: ${d.message}${where}`;
}

const vocabularyFile = fileURLToPath(new URL('../../asyncapi/x-socketio.schema.json', import.meta.url));
let validators: Record<string, ValidateFunction> | undefined;

function vocabulary(name: string): ValidateFunction {
  if (!validators) {
    const schema = JSON.parse(readFileSync(vocabularyFile, 'utf8')) as Record<string, unknown>;
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addSchema(schema, 'x-socketio');
    validators = {};
    for (const def of ['root', 'channel', 'receiveOperation', 'message', 'binary', 'entity']) {
      validators[def] = ajv.getSchema(`x-socketio#/definitions/${def}`)!;
    }
  }
  const v = validators[name];
  if (!v) throw new Error(`no vocabulary definition ${name}`);
  return v;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The most specific of ajv's errors: oneOf reports every branch's failure, the deepest is the useful one. */
function mostSpecific(errors: readonly ErrorObject[]): ErrorObject[] {
  const real = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && e.keyword !== 'if');
  const pool = real.length ? real : [...errors];
  const depth = Math.max(...pool.map((e) => e.instancePath.split('/').length));
  const deepest = pool.filter((e) => e.instancePath.split('/').length === depth);
  // One error per place: where branches disagree (a keyword or an object), the list of allowed
  // keywords says the most.
  const byPath = new Map<string, ErrorObject>();
  for (const e of deepest) {
    const held = byPath.get(e.instancePath);
    if (!held || (e.keyword === 'enum' && held.keyword !== 'enum')) byPath.set(e.instancePath, e);
  }
  return [...byPath.values()];
}

function describeAjvError(e: ErrorObject): string {
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') return `unknown key '${String(params.additionalProperty)}'`;
  if (e.keyword === 'enum') return `${e.message}: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  if (e.keyword === 'pattern' && e.instancePath) return `'${e.instancePath.split('/').pop()}' is not a known expression or value (${e.message})`;
  return e.message ?? e.keyword;
}

/**
 * Parley's checks of the conventions: the extension vocabulary, references, and that what the
 * extensions name (request fields, payload fields, messages) exists. Synchronous and fast; the
 * generator runs it before every generation.
 */
export function checkConventions(source: SpecSource, options: { compileSchemas?: boolean } = {}): Diagnostic[] {
  const doc = source.data;
  const out: Diagnostic[] = [];
  const report = (severity: Severity, code: string, message: string, path: JsonPath) =>
    out.push({ severity, code, message, file: source.file, path, line: source.lineOf(path) });
  const validate = (def: string, value: unknown, path: JsonPath) => {
    const v = vocabulary(def);
    if (v(value)) return true;
    for (const e of mostSpecific(v.errors ?? [])) {
      const sub = e.instancePath.split('/').filter(Boolean).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
      report('error', 'x-socketio-schema', describeAjvError(e), [...path, ...sub]);
    }
    return false;
  };

  const info = isObject(doc.info) ? doc.info : {};
  if (info['x-parley'] === undefined) report('error', 'missing-x-parley', 'info.x-parley { protocol, source } is required', ['info']);
  else validate('root', info['x-parley'], ['info', 'x-parley']);

  const channels = isObject(doc.channels) ? doc.channels : {};
  const operations = isObject(doc.operations) ? doc.operations : {};
  const components = isObject(doc.components) ? doc.components : {};

  // Which messages each channel's send operations emit, to check that emits name real events.
  const sentBy = new Map<string, Set<string>>();
  for (const [key, op] of Object.entries(operations)) {
    if (!isObject(op) || op.action !== 'send' || !isObject(op.channel) || typeof op.channel.$ref !== 'string') continue;
    const set = sentBy.get(op.channel.$ref) ?? new Set<string>();
    for (const m of asList(op.messages as unknown[])) if (isObject(m) && typeof m.$ref === 'string') set.add(m.$ref);
    sentBy.set(op.channel.$ref, set);
    void key;
  }
  const emitted = new Set<string>();

  const checkEmit = (emit: unknown, path: JsonPath, channelRef: string, requestSchema: unknown, lifecycle: boolean) => {
    if (!isObject(emit) || !isObject(emit.message) || typeof emit.message.$ref !== 'string') return;
    const ref = emit.message.$ref;
    emitted.add(ref);
    const message = resolvePointer(doc, ref);
    if (!ref.startsWith(`${channelRef}/messages/`) || message === undefined) {
      report('error', 'unknown-message', `${ref} is not a message of ${channelRef}`, [...path, 'message']);
      return;
    }
    if (!sentBy.get(channelRef)?.has(ref)) {
      report('error', 'emit-not-sent', `${ref} is emitted here but no send operation of the channel lists it`, [...path, 'message']);
    }
    for (const r of asList(emit.to as unknown)) {
      if (!lifecycle && (r === 'counterparts' || r === 'pendingSenders')) {
        report('error', 'lifecycle-recipient', `'${r}' is only meaningful in onConnect/onDisconnect`, [...path, 'to']);
      }
    }
    const resolvedMessage = deref(doc, message).value;
    const payload = isObject(resolvedMessage) ? resolvedMessage.payload : undefined;
    for (const [target, value] of Object.entries(isObject(emit.fields) ? emit.fields : {})) {
      if (payload !== undefined && schemasAt(doc, payload, target.split('.')).length === 0) {
        report('error', 'unknown-payload-field', `'${target}' is not a field of ${refName(ref)}'s payload`, [...path, 'fields', target]);
      }
      checkExpression(value, [...path, 'fields', target], requestSchema);
    }
    const name = isObject(resolvedMessage) && typeof resolvedMessage.name === 'string' ? resolvedMessage.name : '';
    const params = [...name.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!);
    const given = isObject(emit.params) ? Object.keys(emit.params) : [];
    for (const p of params) if (!given.includes(p)) report('error', 'missing-param', `the event name '${name}' needs params.${p}`, path);
    for (const g of given) if (!params.includes(g)) report('error', 'unknown-param', `'${g}' is not a parameter of '${name}'`, [...path, 'params', g]);
    for (const c of asList(emit.when as unknown)) {
      if (isObject(c)) for (const [k, v] of Object.entries(c)) checkExpression(v, [...path, 'when', k], requestSchema);
      if (!lifecycle && (c === 'firstConnection' || c === 'lastDisconnection')) {
        report('error', 'lifecycle-condition', `'${String(c)}' is only meaningful in onConnect/onDisconnect`, [...path, 'when']);
      }
    }
    if (isObject(emit.to)) checkExpression(emit.to.user, [...path, 'to', 'user'], requestSchema);
    for (const r of asList(emit.to as unknown)) if (isObject(r)) checkExpression(r.user, [...path, 'to'], requestSchema);
  };

  const checkExpression = (value: unknown, path: JsonPath, requestSchema: unknown) => {
    if (!isExpression(value) || !value.startsWith('$request.')) return;
    if (requestSchema === undefined) {
      report('error', 'no-request', `${value} is used where there is no request`, path);
      return;
    }
    const fieldPath = value.slice('$request.'.length).split('.');
    if (schemasAt(doc, requestSchema, fieldPath).length === 0) {
      report('error', 'unknown-request-field', `${value}: the request has no field '${fieldPath.join('.')}'`, path);
    }
  };

  /** Walks a value, calling `visit` on every expression string with its path. */
  const walkExpressions = (value: unknown, path: JsonPath, visit: (v: string, p: JsonPath) => void) => {
    if (typeof value === 'string') visit(value, path);
    else if (Array.isArray(value)) value.forEach((v, i) => walkExpressions(v, [...path, i], visit));
    else if (isObject(value)) for (const [k, v] of Object.entries(value)) if (k !== 'message' && k !== 'emits') walkExpressions(v, [...path, k], visit);
  };

  for (const [key, channel] of Object.entries(channels)) {
    const path = ['channels', key];
    const channelRef = `#/channels/${key}`;
    if (!isObject(channel)) continue;
    const ext = channel['x-socketio'];
    if (ext === undefined) {
      report('error', 'missing-x-socketio', `channel '${key}' has no x-socketio (handshake and errors are required)`, path);
      continue;
    }
    if (!validate('channel', ext, [...path, 'x-socketio'])) continue;
    const x = ext as Record<string, unknown>;
    const errors = x.errors as { message: { $ref: string } };
    if (!errors.message.$ref.startsWith(`${channelRef}/messages/`) || resolvePointer(doc, errors.message.$ref) === undefined) {
      report('error', 'unknown-message', `${errors.message.$ref} is not a message of ${channelRef}`, [...path, 'x-socketio', 'errors', 'message']);
    }
    emitted.add(errors.message.$ref);
    const handshake = x.handshake as Record<string, unknown>;
    const jwt = handshake.jwt as { claims?: { $ref: string } } | undefined;
    if (jwt?.claims && resolvePointer(doc, jwt.claims.$ref) === undefined) {
      report('error', 'unresolved-ref', `${jwt.claims.$ref} does not resolve`, [...path, 'x-socketio', 'handshake', 'jwt', 'claims']);
    }
    for (const phase of ['onConnect', 'onDisconnect'] as const) {
      asList(x[phase] as unknown[]).forEach((entry, i) => {
        if (isObject(entry) && 'message' in entry) checkEmit(entry, [...path, 'x-socketio', phase, i], channelRef, undefined, true);
      });
    }
  }

  for (const [key, op] of Object.entries(operations)) {
    const path = ['operations', key];
    if (!isObject(op)) continue;
    const ext = op['x-socketio'];
    if (op.action === 'send') {
      if (!key.startsWith('emit')) report('warning', 'operation-name', `a send operation's key should start with 'emit' (emit<Event>)`, path);
      if (ext !== undefined) report('error', 'x-socketio-on-send', 'x-socketio belongs on receive operations and channels, not on send operations', [...path, 'x-socketio']);
      continue;
    }
    if (!key.startsWith('on')) report('warning', 'operation-name', `a receive operation's key should start with 'on' (on<Event>)`, path);
    if (ext === undefined) {
      report('error', 'missing-sequence', `receive operation '${key}' has no x-socketio.emits: say what the server emits after it (an empty list if nothing)`, path);
      continue;
    }
    if (!validate('receiveOperation', ext, [...path, 'x-socketio'])) continue;
    const channelRef = isObject(op.channel) && typeof op.channel.$ref === 'string' ? op.channel.$ref : '';
    const firstMessage = asList(op.messages as unknown[])[0];
    const message = firstMessage ? deref(doc, firstMessage).value : undefined;
    const requestSchema = isObject(message) ? (message.payload ?? {}) : undefined;
    const x = ext as Record<string, unknown>;
    asList(x.emits as unknown[]).forEach((emit, i) => checkEmit(emit, [...path, 'x-socketio', 'emits', i], channelRef, requestSchema, false));
    walkExpressions({ actor: x.actor, conversation: x.conversation, guards: x.guards, effect: x.effect }, [...path, 'x-socketio'], (v, p) => {
      const [, ...rest] = p;
      checkExpression(v, [...path, 'x-socketio', ...rest], requestSchema);
    });
  }

  // Every message a channel sends should be emitted somewhere: a send operation nothing emits is
  // a hole in the description of what the server does.
  for (const [channelRef, refs] of sentBy) {
    for (const ref of refs) {
      if (!emitted.has(ref)) {
        report('warning', 'never-emitted', `${ref} is sent by the server but no sequence or lifecycle emits it`, channelRef.slice(2).split('/'));
      }
    }
  }

  const messages = isObject(components.messages) ? components.messages : {};
  for (const [key, m] of Object.entries(messages)) {
    if (!isObject(m)) continue;
    const path = ['components', 'messages', key];
    const name = typeof m.name === 'string' ? m.name : '';
    const params = [...name.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((x) => x[1]!);
    const ext = m['x-socketio'];
    if (ext !== undefined) validate('message', ext, [...path, 'x-socketio']);
    const declared = isObject(ext) && isObject(ext.parameters) ? Object.keys(ext.parameters) : [];
    for (const p of params) if (!declared.includes(p)) report('error', 'missing-parameter', `the name '${name}' uses {${p}}: declare it in x-socketio.parameters`, [...path, 'name']);
    for (const p of declared) if (!params.includes(p)) report('error', 'unused-parameter', `parameter '${p}' does not appear in the name '${name}'`, [...path, 'x-socketio', 'parameters', p]);
  }

  const walkSchemas = (value: unknown, path: JsonPath) => {
    if (Array.isArray(value)) return value.forEach((v, i) => walkSchemas(v, [...path, i]));
    if (!isObject(value)) return;
    if (value['x-socketio-binary'] !== undefined) validate('binary', value['x-socketio-binary'], [...path, 'x-socketio-binary']);
    if (value['x-parley-entity'] !== undefined) validate('entity', value['x-parley-entity'], [...path, 'x-parley-entity']);
    for (const [k, v] of Object.entries(value)) if (k !== 'examples' && k !== 'x-socketio') walkSchemas(v, [...path, k]);
  };
  walkSchemas(components.schemas, ['components', 'schemas']);
  walkSchemas(messages, ['components', 'messages']);
  if (options.compileSchemas !== false) out.push(...checkSchemasCompile(source));

  return out;
}

/**
 * Compiles every component schema and message payload with the strict ajv that validates
 * payloads. The AsyncAPI parser accepts unknown keywords; this catches them, and with them the
 * classic YAML slip of a comma inside a flow mapping (`{ description: a, b }` makes a key `b`).
 */
function checkSchemasCompile(source: SpecSource): Diagnostic[] {
  const doc = source.data;
  const components = isObject(doc.components) ? doc.components : {};
  const ajv = createAjv();
  const out: Diagnostic[] = [];
  try {
    ajv.addSchema({ $id: 'spec', components: { schemas: components.schemas ?? {} } }, 'spec');
  } catch (error) {
    return [{ severity: 'error', code: 'schema', message: (error as Error).message, file: source.file, path: ['components', 'schemas'], line: source.lineOf(['components', 'schemas']) }];
  }
  const targets: [JsonPath, string][] = [];
  const schemas = isObject(components.schemas) ? components.schemas : {};
  for (const name of Object.keys(schemas)) targets.push([['components', 'schemas', name], `spec#/components/schemas/${name}`]);
  const messages = isObject(components.messages) ? components.messages : {};
  for (const [name, m] of Object.entries(messages)) {
    if (!isObject(m) || !isObject(m.payload)) continue;
    if (m.payload.$ref === undefined) {
      // An id without a scheme, beside `spec`: the payload's rebased `spec#/…` refs resolve
      // against it (under `message:<name>` they would resolve to `message:spec#/…`).
      const id = `spec-message-${encodeURIComponent(name)}`;
      ajv.addSchema(rebaseRefs(m.payload) as object, id);
      targets.push([['components', 'messages', name, 'payload'], id]);
    } else if (typeof m.payload.$ref === 'string' && m.payload.$ref.startsWith('#/')) {
      targets.push([['components', 'messages', name, 'payload'], `spec${m.payload.$ref}`]);
    }
  }
  const validators = new Map<string, ValidateFunction>();
  for (const [path, ref] of targets) {
    try {
      const validate = ajv.getSchema(ref);
      if (validate) validators.set(path.join('\u0000'), validate);
    } catch (error) {
      const message = (error as Error).message.replace(/^strict mode: /, '');
      out.push({ severity: 'error', code: 'schema', message, file: source.file, path, line: source.lineOf(path) });
    }
  }
  // Examples must fit their schemas: the generated docs show them, and the mock and contract
  // tests start from them.
  const checkExample = (schemaPath: JsonPath, example: unknown, examplePath: JsonPath, what: string) => {
    const validate = validators.get(schemaPath.join('\u0000'));
    if (!validate || validate(example)) return;
    const problem = describePayloadError(validate.errors![0]!);
    out.push({ severity: 'error', code: 'invalid-example', message: `${what} does not fit its schema: ${problem.message}`, file: source.file, path: examplePath, line: source.lineOf(examplePath) });
  };
  for (const [name, m] of Object.entries(messages)) {
    if (!isObject(m) || !Array.isArray(m.examples)) continue;
    m.examples.forEach((example, i) => {
      if (!isObject(example) || !('payload' in example)) return;
      const label = typeof example.name === 'string' ? `'${example.name}'` : `#${i}`;
      checkExample(['components', 'messages', name, 'payload'], example.payload, ['components', 'messages', name, 'examples', i, 'payload'], `example ${label} of message ${name}`);
    });
  }
  for (const [name, schema] of Object.entries(schemas)) {
    if (!isObject(schema) || !Array.isArray(schema.examples)) continue;
    schema.examples.forEach((example, i) => checkExample(['components', 'schemas', name], example, ['components', 'schemas', name, 'examples', i], `example #${i} of schema ${name}`));
  }
  return out;
}

/** Points `#/components/...` refs into the `spec` schema of {@link checkSchemasCompile}. */
export function rebaseRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebaseRefs);
  if (!isObject(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `spec${v}` : rebaseRefs(v);
  return out;
}

/** Runs the AsyncAPI parser (the one users run) and turns its findings into diagnostics. */
export async function checkWithParser(source: SpecSource): Promise<Diagnostic[]> {
  const { Parser } = await import('@asyncapi/parser');
  const parser = new Parser();
  const { diagnostics } = await parser.parse(source.text, { source: source.file });
  const severities: Severity[] = ['error', 'warning', 'info', 'info'];
  return diagnostics.map((d) => ({
    severity: severities[d.severity] ?? 'info',
    code: String(d.code),
    message: d.message,
    file: source.file,
    path: d.path,
    line: d.range ? d.range.start.line + 1 : source.lineOf(d.path),
  }));
}

/** All checks of a spec: the AsyncAPI parser's, then Parley's conventions. */
export async function checkSpec(source: SpecSource): Promise<Diagnostic[]> {
  const parsed = await checkWithParser(source);
  // Conventions are checked only on a document the parser could read as AsyncAPI.
  const fatal = parsed.some((d) => d.severity === 'error' && d.path.length === 0);
  return fatal ? parsed : [...parsed, ...checkConventions(source)];
}
