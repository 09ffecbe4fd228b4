/** Events as generated code sees them: method names, payload types, actor fields, dynamic names. */
import type { SequenceStep } from '../../runtime/sequence.js';
import { actorPaths, isDynamic, type EventModel, type ProtocolModel } from '../../spec/model.js';
import { sequenceOf } from '../../spec/sequences.js';
import { ackTypeName, methodName, pascalCase, payloadTypeName } from '../../spec/names.js';

export interface ClientEventView {
  readonly key: string;
  /** The event name on the wire. */
  readonly wire: string;
  /** The generated method's name (`getChats` for `get_chats`). */
  readonly method: string;
  readonly payloadType: string;
  readonly ackType?: string;
  readonly summary: string;
  /** Request fields (paths) that must equal the connected user. */
  readonly actorPaths: readonly (readonly string[])[];
  /** The emits the spec orders after the event, which the runtime checks handlers against. */
  readonly sequence: readonly SequenceStep[];
}

export interface ServerEventView {
  readonly key: string;
  readonly wire: string;
  readonly payloadType: string;
  readonly summary: string;
}

export interface DynamicEventView extends ServerEventView {
  /** `emitGroupCreated`: the server helper. */
  readonly emitHelper: string;
  /** `onGroupCreated`: the client listener. */
  readonly listenHelper: string;
  readonly params: readonly string[];
  /** The TypeScript type of the helpers' `params` argument. */
  readonly paramsType: string;
  /** A TypeScript template literal building the name from `params`. */
  readonly nameTemplate: string;
  /** A template literal type matching every name (`group_${string}`), or undefined when it matches any string. */
  readonly mapKeyType?: string;
  /** A RegExp source matching every name, capturing the parameters in order. */
  readonly matcher: string;
}

const oneLine = (text: string | undefined) => (text ?? '').trim().split('\n')[0] ?? '';

export function clientEventView(model: ProtocolModel, event: EventModel): ClientEventView {
  return {
    key: event.key,
    wire: event.name,
    method: methodName(event.name),
    payloadType: payloadTypeName(event.key),
    ackType: event.ack ? ackTypeName(event.key) : undefined,
    summary: oneLine(event.summary ?? event.title ?? event.description),
    actorPaths: actorPaths(event),
    sequence: sequenceOf(model, event),
  };
}

export function serverEventView(event: EventModel): ServerEventView {
  return { key: event.key, wire: event.name, payloadType: payloadTypeName(event.key), summary: oneLine(event.summary ?? event.title ?? event.description) };
}

/**
 * A dynamic event's helpers and name matching.
 *
 * @example dynamicEventView({ key: 'groupCreated', name: 'group_{userId}', … }).nameTemplate // '`group_${params.userId}`'
 */
export function dynamicEventView(event: EventModel): DynamicEventView {
  if (!isDynamic(event)) throw new Error(`${event.name} is not a dynamic event name`);
  const params = [...event.name.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!);
  const pieces = event.name.split(/\{[A-Za-z_][A-Za-z0-9_]*\}/);
  const escape = (s: string) => s.replace(/[\\`$]/g, (c) => `\\${c}`);
  const nameTemplate = '`' + pieces.map((p, i) => escape(p) + (i < params.length ? `\${params.${params[i]}}` : '')).join('') + '`';
  const literalText = pieces.join('');
  const mapKeyType = literalText ? '`' + pieces.map((p, i) => escape(p) + (i < params.length ? '${string}' : '')).join('') + '`' : undefined;
  const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const matcher = '^' + pieces.map((p, i) => reEscape(p) + (i < params.length ? '(.+)' : '')).join('') + '$';
  return {
    ...serverEventView(event),
    emitHelper: `emit${pascalCase(event.key)}`,
    listenHelper: `on${pascalCase(event.key)}`,
    params,
    paramsType: `{ ${params.map((p) => `readonly ${p}: string;`).join(' ')} }`,
    nameTemplate,
    mapKeyType,
    matcher,
  };
}
