/**
 * The view model of one protocol: everything the templates print, decided here so that the
 * templates only print (see templates/README.md).
 */
import { relative } from 'node:path';
import type { NamespaceSpec } from '../../runtime/namespace-spec.js';
import { eventsOf, isDynamic, type ProtocolModel } from '../../spec/model.js';
import { namespaceSpecOf } from '../../spec/namespace-spec.js';
import { projectRoot } from '../../spec/files.js';
import { jsdoc, tsType } from '../ts-types.js';
import { ackTypeName, camelCase, namespacePrefix, pascalCase, payloadTypeName } from '../../spec/names.js';
import { clientEventView, dynamicEventView, serverEventView, type ClientEventView, type DynamicEventView, type ServerEventView } from './events.js';
import { clientAuthType } from './handshake.js';
import { docsView, type DocsView } from './docs.js';

export interface TypeDeclaration {
  readonly name: string;
  readonly doc: string;
  readonly type: string;
  /** `interface` for plain object types (better editor hovers), else `type`. */
  readonly isInterface: boolean;
}

export interface NamespaceView {
  readonly key: string;
  readonly path: string;
  /** Prefix of this namespace's type names (`''` or `Chat`). */
  readonly prefix: string;
  readonly title: string;
  readonly clientEvents: readonly ClientEventView[];
  readonly serverEvents: readonly ServerEventView[];
  readonly dynamicEvents: readonly DynamicEventView[];
  readonly errorEvent: string;
  readonly errorPayloadType: string;
  /** What the runtime is told about the namespace (printed as it is into the stub). */
  readonly settings: NamespaceSpec;
  /** The `auth` option type of the generated client. */
  readonly clientAuthType: string;
  readonly engineIO3: boolean;
  /** The client's connect function (`connectMessenger`, `connectMarketplaceChat`). */
  readonly connectFunction: string;
  readonly clientClass: string;
  /** An `auth` value for examples in JSDoc. */
  readonly authExample: string;
}

export interface ProtocolView {
  readonly protocol: string;
  readonly pascal: string;
  readonly title: string;
  readonly version: string;
  /** The spec's path relative to the project root, for banners. */
  readonly specFile: string;
  readonly declarations: readonly TypeDeclaration[];
  readonly namespaces: readonly NamespaceView[];
  readonly single: boolean;
  readonly docs: DocsView;
  readonly port?: number;
  readonly camel: string;
  /** Socket.IO's maxHttpBufferSize: the largest binary payload plus room for the rest. */
  readonly maxHttpBufferSize: number;
  readonly engineIO3: boolean;
  readonly errorEventSummary: string;
}

/** The largest `x-socketio-binary.maxBytes` anywhere in the schemas, or 0. */
export function largestBinary(value: unknown): number {
  if (Array.isArray(value)) return Math.max(0, ...value.map(largestBinary));
  if (typeof value !== 'object' || value === null) return 0;
  const own = (value as Record<string, unknown>)['x-socketio-binary'] as { maxBytes?: number } | undefined;
  return Math.max(own?.maxBytes ?? 0, ...Object.values(value).map(largestBinary));
}

/** Type declarations: each component schema by its name, then one `<Message>Payload` per message. */
export function typeDeclarations(model: ProtocolModel): TypeDeclaration[] {
  const out: TypeDeclaration[] = [];
  for (const [name, schema] of Object.entries(model.schemas)) {
    const type = tsType(schema);
    out.push({ name, doc: jsdoc(schema), type, isInterface: type.startsWith('{') });
  }
  const seen = new Set<string>();
  for (const event of model.namespaces.flatMap((ns) => ns.events)) {
    if (seen.has(event.key)) continue;
    seen.add(event.key);
    const doc = [event.summary, event.description].filter(Boolean).join('\n\n');
    out.push({ name: payloadTypeName(event.key), doc: jsdoc({ description: `\`${event.name}\` (${event.direction === 'client' ? 'client → server' : 'server → client'})${doc ? `: ${doc}` : '.'}` }), type: tsType(event.payload), isInterface: false });
    if (event.ack) out.push({ name: ackTypeName(event.key), doc: jsdoc({ description: `The acknowledgement of \`${event.name}\`.` }), type: tsType(event.ack), isInterface: false });
  }
  return out;
}

/** Builds the view model of a protocol. */
export function protocolView(model: ProtocolModel): ProtocolView {
  const single = model.namespaces.length === 1;
  const pascal = pascalCase(model.protocol);
  const namespaces = model.namespaces.map((ns): NamespaceView => {
    const prefix = namespacePrefix(ns.key, single);
    const server = eventsOf(ns, 'server');
    const settings = namespaceSpecOf(model, ns);
    const errorEvent = server.find((e) => e.name === settings.errorEvent)!;
    return {
      key: ns.key,
      path: ns.path,
      prefix,
      title: ns.title ?? ns.path,
      clientEvents: eventsOf(ns, 'client').map((e) => clientEventView(model, e)),
      serverEvents: server.filter((e) => !isDynamic(e)).map(serverEventView),
      dynamicEvents: server.filter(isDynamic).map(dynamicEventView),
      errorEvent: errorEvent.name,
      errorPayloadType: payloadTypeName(errorEvent.key),
      settings,
      clientAuthType: clientAuthType(ns.socketio.handshake),
      engineIO3: ns.socketio.engineIO3 === true,
      connectFunction: `connect${pascal}${prefix}`,
      clientClass: `${pascal}${prefix}Client`,
      authExample: ns.socketio.handshake.jwt ? '{ token }' : ns.socketio.handshake.trust?.userId ? `{ ${ns.socketio.handshake.trust.userId.split('.').pop()}: userId }` : '{}',
    };
  });
  return {
    protocol: model.protocol,
    pascal,
    title: model.title,
    version: model.version,
    specFile: relative(projectRoot, model.file).split('\\').join('/'),
    declarations: typeDeclarations(model),
    namespaces,
    single,
    docs: docsView(model),
    port: model.port,
    camel: camelCase(model.protocol),
    // Socket.IO's default (1 MB) unless a binary needs more; 64 KiB on top for the rest of the event.
    maxHttpBufferSize: Math.max(1_000_000, largestBinary(model.schemas) + 65_536),
    engineIO3: namespaces.some((n) => n.engineIO3),
    errorEventSummary: [...new Set(namespaces.map((n) => n.errorEvent))].join('/'),
  };
}
