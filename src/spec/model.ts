/**
 * The protocol model: one spec, read into the shape that Parley's generator, mock server and
 * contract tests work from. Namespaces, their events by direction, each event's payload schema,
 * and the Socket.IO semantics of asyncapi/CONVENTIONS.md.
 */
import type { SpecSource } from './source.js';
import type { ChannelExt, EntityExt, MessageExt, ReceiveOperationExt } from './vocabulary.js';

export type JsonSchema = Record<string, unknown>;
export type Direction = 'client' | 'server';

export interface ExampleModel {
  name?: string;
  summary?: string;
  payload: unknown;
}

export interface EventModel {
  /** The message's key in `components/messages`: the event's name in code. */
  readonly key: string;
  /** The event name on the wire, or its pattern (`group_{userId}`) when it is dynamic. */
  readonly name: string;
  /** `client`: client → server (a `receive` operation); `server`: server → client. */
  readonly direction: Direction;
  readonly channelKey: string;
  /** The message's key in its channel (what an emit's `#/channels/<channel>/messages/<key>` names). */
  readonly channelMessageKey: string;
  /** The operation's key (`onSendMessage`, `emitNewMessage`). */
  readonly operationKey: string;
  readonly title?: string;
  readonly summary?: string;
  readonly description?: string;
  /** The payload schema as written in the spec (often a `$ref` into components/schemas). */
  readonly payload: JsonSchema;
  /** The JSON pointer of the payload schema in the spec document. */
  readonly payloadPointer: string;
  readonly examples: readonly ExampleModel[];
  /** Name parameters of a dynamic event (`{userId}`), each a JSON Schema. */
  readonly parameters?: Readonly<Record<string, JsonSchema>>;
  /** The acknowledgement's payload schema, when the operation has a `reply`. */
  readonly ack?: JsonSchema;
  /** What the server does on this client event (client events only). */
  readonly reaction?: ReceiveOperationExt;
  /** The operation's own description (its decisions, for client events). */
  readonly operationDescription?: string;
}

export interface NamespaceModel {
  /** The channel's key (`root`, `chat`). */
  readonly key: string;
  /** The namespace (`/`, `/chat`). */
  readonly path: string;
  readonly title?: string;
  readonly description?: string;
  readonly socketio: ChannelExt;
  readonly events: readonly EventModel[];
}

export interface ProtocolModel {
  readonly protocol: string;
  readonly title: string;
  readonly version: string;
  readonly description: string;
  readonly file: string;
  /** The default port of the `local` server, if the spec has one. */
  readonly port?: number;
  readonly namespaces: readonly NamespaceModel[];
  /** `components/schemas`, by name. */
  readonly schemas: Readonly<Record<string, JsonSchema>>;
  /** The `x-parley-entity` markers of component schemas, by schema name. */
  readonly entities: Readonly<Record<string, EntityExt>>;
}

export class ModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelError';
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Resolves a local JSON pointer (`#/components/messages/x`) in a document, or returns undefined. */
export function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  const parts = ref
    .slice(1)
    .split('/')
    .filter((p) => p !== '')
    .map((p) => decodeURIComponent(p).replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: unknown = doc;
  for (const part of parts) {
    if (!isObject(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[part];
    if (node === undefined) return undefined;
  }
  return node;
}

/** Follows `$ref`s (local only) until a value that is not a reference. */
export function deref(doc: unknown, value: unknown, seen = new Set<string>()): { value: unknown; pointer?: string } {
  let pointer: string | undefined;
  while (isObject(value) && typeof value.$ref === 'string') {
    const ref = value.$ref;
    if (seen.has(ref)) throw new ModelError(`circular $ref ${ref}`);
    seen.add(ref);
    pointer = ref;
    value = resolvePointer(doc, ref);
    if (value === undefined) throw new ModelError(`unresolved $ref ${ref}`);
  }
  return { value, pointer };
}

/** The last segment of a `#/components/messages/<key>` style pointer. */
export function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1);
}

/**
 * Builds the protocol model of a spec. Assumes the spec passed {@link checkSpec}; a spec that
 * did not may still throw {@link ModelError} here, naming what is missing.
 */
export function buildModel(source: SpecSource): ProtocolModel {
  const doc = source.data;
  const info = isObject(doc.info) ? doc.info : {};
  const parley = isObject(info['x-parley']) ? info['x-parley'] : isObject(doc['x-parley']) ? doc['x-parley'] : {};
  const protocol = typeof parley.protocol === 'string' ? parley.protocol : undefined;
  if (!protocol) throw new ModelError(`${source.file}: info.x-parley.protocol is missing`);

  const channels = isObject(doc.channels) ? doc.channels : {};
  const operations = isObject(doc.operations) ? doc.operations : {};
  const components = isObject(doc.components) ? doc.components : {};
  const schemas = (isObject(components.schemas) ? components.schemas : {}) as Record<string, JsonSchema>;

  const namespaces: NamespaceModel[] = [];
  for (const [channelKey, rawChannel] of Object.entries(channels)) {
    const channel = deref(doc, rawChannel).value;
    if (!isObject(channel)) throw new ModelError(`channels.${channelKey} is not an object`);
    const events: EventModel[] = [];
    for (const [operationKey, rawOperation] of Object.entries(operations)) {
      const operation = deref(doc, rawOperation).value;
      if (!isObject(operation) || !isObject(operation.channel)) continue;
      if (operation.channel.$ref !== `#/channels/${channelKey}`) continue;
      const direction: Direction = operation.action === 'receive' ? 'client' : 'server';
      const messageRefs = Array.isArray(operation.messages) ? operation.messages : [];
      for (const messageRef of messageRefs) {
        events.push(eventOf(doc, channelKey, operationKey, operation, direction, messageRef));
      }
    }
    namespaces.push({
      key: channelKey,
      path: typeof channel.address === 'string' ? channel.address : '/',
      title: typeof channel.title === 'string' ? channel.title : undefined,
      description: typeof channel.description === 'string' ? channel.description : undefined,
      socketio: channel['x-socketio'] as ChannelExt,
      events,
    });
  }

  const entities: Record<string, EntityExt> = {};
  for (const [name, schema] of Object.entries(schemas)) {
    if (isObject(schema) && isObject(schema['x-parley-entity'])) entities[name] = schema['x-parley-entity'] as unknown as EntityExt;
  }

  const servers = isObject(doc.servers) ? doc.servers : {};
  const local = isObject(servers.local) ? servers.local : undefined;
  const port = typeof local?.host === 'string' ? Number(local.host.split(':')[1]) || undefined : undefined;

  return {
    protocol,
    title: typeof info.title === 'string' ? info.title : protocol,
    version: typeof info.version === 'string' ? info.version : '0.0.0',
    description: typeof info.description === 'string' ? info.description : '',
    file: source.file,
    port,
    namespaces,
    schemas,
    entities,
  };
}

function eventOf(
  doc: Record<string, unknown>,
  channelKey: string,
  operationKey: string,
  operation: Record<string, unknown>,
  direction: Direction,
  messageRef: unknown,
): EventModel {
  // The operation names a channel message; the channel message usually names a component.
  const viaChannel = deref(doc, messageRef);
  const message = viaChannel.value;
  if (!isObject(message)) throw new ModelError(`operations.${operationKey}: a message does not resolve`);
  const channelMessageKey = isObject(messageRef) && typeof messageRef.$ref === 'string' ? refName(messageRef.$ref) : operationKey;
  const componentPointer = viaChannel.pointer;
  const key = componentPointer?.startsWith('#/components/messages/') ? refName(componentPointer) : channelMessageKey;
  const name = typeof message.name === 'string' ? message.name : channelMessageKey;
  const payload = (isObject(message.payload) ? message.payload : {}) as JsonSchema;
  const ext = isObject(message['x-socketio']) ? (message['x-socketio'] as MessageExt) : undefined;
  const examples = Array.isArray(message.examples)
    ? message.examples.filter(isObject).map((e) => ({
        name: typeof e.name === 'string' ? e.name : undefined,
        summary: typeof e.summary === 'string' ? e.summary : undefined,
        payload: e.payload,
      }))
    : [];
  let ack: JsonSchema | undefined;
  if (isObject(operation.reply)) {
    const replyMessages = Array.isArray(operation.reply.messages) ? operation.reply.messages : [];
    const replyMessage = replyMessages[0] ? deref(doc, replyMessages[0]).value : undefined;
    if (isObject(replyMessage) && isObject(replyMessage.payload)) ack = replyMessage.payload as JsonSchema;
  }
  return {
    key,
    name,
    direction,
    channelKey,
    channelMessageKey,
    operationKey,
    title: typeof message.title === 'string' ? message.title : undefined,
    summary: typeof message.summary === 'string' ? message.summary : undefined,
    description: typeof message.description === 'string' ? message.description : undefined,
    payload,
    payloadPointer: `${componentPointer ?? `#/channels/${channelKey}/messages/${channelMessageKey}`}/payload`,
    examples,
    parameters: ext?.parameters as Record<string, JsonSchema> | undefined,
    ack,
    reaction: direction === 'client' ? (operation['x-socketio'] as ReceiveOperationExt | undefined) : undefined,
    operationDescription: typeof operation.description === 'string' ? operation.description : undefined,
  };
}

/** The events of a namespace in one direction. */
export function eventsOf(ns: NamespaceModel, direction: Direction): EventModel[] {
  return ns.events.filter((e) => e.direction === direction);
}

/** Whether an event's wire name is a pattern with parameters. */
export function isDynamic(event: Pick<EventModel, 'name'>): boolean {
  return /\{[A-Za-z_][A-Za-z0-9_]*\}/.test(event.name);
}

/**
 * The request fields that name the acting user (`actor: $request.senderid`), as paths: each one
 * present must equal the connected user.
 *
 * @example actorPaths(sendNewMessage) // [['message', 'sender_id']]
 */
export function actorPaths(event: Pick<EventModel, 'reaction'>): string[][] {
  const actor = event.reaction?.actor;
  return (actor === undefined ? [] : Array.isArray(actor) ? actor : [actor])
    .filter((e) => e.startsWith('$request.'))
    .map((e) => e.slice('$request.'.length).split('.'));
}
