/** The Markdown reference of a protocol: events, payload fields, recipients and sequence diagrams. */
import { deref, eventsOf, refName, type EventModel, type JsonSchema, type ProtocolModel } from '../../spec/model.js';
import { emittedEventName } from '../../spec/sequences.js';
import { asList, type Condition, type Emit, type LifecycleEntry, type Recipient } from '../../spec/vocabulary.js';
import { tsType } from '../ts-types.js';

export interface FieldRow {
  readonly field: string;
  readonly type: string;
  readonly required: boolean;
  readonly description: string;
}

export interface EmitRow {
  readonly event: string;
  readonly to: string;
  readonly when: string;
  readonly fields: string;
}

export interface DocEvent {
  readonly name: string;
  readonly anchor: string;
  readonly summary: string;
  readonly description: string;
  readonly fields: readonly FieldRow[];
  readonly example?: string;
  readonly emits: readonly EmitRow[];
  readonly guards: string;
  readonly effect: string;
  readonly mermaid?: string;
}

export interface DocNamespace {
  readonly path: string;
  readonly handshake: string;
  readonly errorEvent: string;
  readonly clientEvents: readonly DocEvent[];
  readonly serverEvents: readonly DocEvent[];
  readonly onConnect: readonly EmitRow[];
  readonly onDisconnect: readonly EmitRow[];
}

export interface DocsView {
  readonly description: string;
  readonly namespaces: readonly DocNamespace[];
}

const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|').trim();

/** Rows of a payload's fields, nested objects and arrays flattened (`participants[].userid`). */
export function fieldRows(doc: unknown, schema: unknown, prefix = '', depth = 0): FieldRow[] {
  const resolved = deref(doc, schema).value as JsonSchema | undefined;
  if (!resolved || typeof resolved !== 'object' || depth > 3) return [];
  if (resolved.type === 'array' || resolved.items !== undefined) {
    return prefix === '' ? fieldRows(doc, resolved.items, '[]', depth + 1) : [];
  }
  const properties = (resolved.properties ?? {}) as Record<string, unknown>;
  const required = new Set((resolved.required as string[] | undefined) ?? []);
  const rows: FieldRow[] = [];
  for (const [name, prop] of Object.entries(properties)) {
    const field = prefix ? `${prefix}.${name}` : name;
    const p = deref(doc, prop).value as JsonSchema;
    const display = tsType(prop).replace(/\s+/g, ' ');
    rows.push({ field: `\`${field}\``, type: `\`${display.length > 60 ? 'object' : display}\``, required: required.has(name), description: oneLine(String((prop as JsonSchema).description ?? p?.description ?? '')) });
    const isArray = p?.type === 'array' || p?.items !== undefined;
    const inner = isArray ? deref(doc, p.items).value : p;
    if (inner && typeof inner === 'object' && (inner as JsonSchema).properties) rows.push(...fieldRows(doc, inner, `${field}${isArray ? '[]' : ''}`, depth + 1));
  }
  return rows;
}

export function recipientText(r: Recipient): string {
  if (typeof r === 'object') return `user ${r.user.replace('$request.', '')}`;
  return {
    socket: 'the sending socket',
    actor: "the actor's sockets",
    conversation: 'the conversation',
    others: 'the conversation except the actor',
    counterparts: 'counterparts',
    pendingSenders: 'pending senders',
    namespace: 'the namespace',
  }[r];
}

export function conditionText(c: Condition): string {
  if (typeof c === 'object') return 'online' in c ? `${c.online.replace('$request.', '')} is online` : `${c.offline.replace('$request.', '')} is offline`;
  return { conversationNew: 'first message (new conversation)', conversationExists: 'the conversation exists', firstConnection: "the user's first socket", lastDisconnection: "the user's last socket left" }[c];
}

function emitRow(model: ProtocolModel, e: Emit): EmitRow {
  return {
    event: `\`${emittedEventName(model, e.message.$ref)}\``,
    to: asList(e.to).map(recipientText).join(', '),
    when: asList(e.when).map(conditionText).join(' and ') || 'always',
    fields: Object.keys(e.fields ?? {}).map((f) => `\`${f}\``).join(', '),
  };
}

const lifecycleRows = (model: ProtocolModel, entries: LifecycleEntry[] | undefined): EmitRow[] =>
  (entries ?? []).flatMap((entry) => ('message' in entry ? [emitRow(model, entry)] : [{ event: '(effect)', to: '', when: '', fields: typeof entry.effect === 'string' ? entry.effect : Object.keys(entry.effect)[0]! }]));

/** A Mermaid sequence diagram of what follows a client event. */
export function sequenceDiagram(model: ProtocolModel, event: EventModel): string | undefined {
  const reaction = event.reaction;
  if (!reaction) return undefined;
  const lines = ['sequenceDiagram', '  participant C as Client', '  participant S as Server'];
  const participants = new Map<string, string>();
  const idOf = (r: Recipient) => {
    if (r === 'socket') return 'C';
    const label = recipientText(r);
    if (!participants.has(label)) {
      const id = `P${participants.size + 1}`;
      participants.set(label, id);
      lines.push(`  participant ${id} as ${label.replace(/[;#]/g, ' ')}`);
    }
    return participants.get(label)!;
  };
  const body: string[] = [`  C->>S: ${event.name}`];
  // Every client event may be refused (validation at least), so every diagram shows it.
  body.push('  alt invalid payload or refused', '    S-->>C: error event', '  else accepted');
  for (const e of reaction.emits) {
    const name = emittedEventName(model, e.message.$ref).replace(/[;#]/g, ' ');
    const conditions = asList(e.when).map(conditionText);
    const indent = conditions.length ? '      ' : '    ';
    if (conditions.length) body.push(`    opt ${conditions.join(' and ')}`);
    for (const r of asList(e.to)) body.push(`${indent}S-->>${idOf(r)}: ${name}`);
    if (conditions.length) body.push('    end');
  }
  if (reaction.emits.length === 0) body.push('    Note over S: nothing is emitted');
  body.push('  end');
  return [...lines, ...body].join('\n');
}

function describeGuards(event: EventModel): string {
  const guards = event.reaction?.guards ?? [];
  return guards
    .map((g) => {
      const check = typeof g === 'object' && 'check' in g ? g.check : g;
      if (check === 'participant') return 'the actor takes part in the conversation';
      const [k, v] = Object.entries(check)[0]!;
      return `${k} ${JSON.stringify(v).replace(/"/g, '').replace(/\$request\./g, '')}`;
    })
    .join('; ');
}

function docEvent(model: ProtocolModel, doc: unknown, event: EventModel): DocEvent {
  const effect = event.reaction?.effect;
  return {
    name: event.name,
    anchor: `${event.direction}-${event.channelKey}-${event.name}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-'),
    summary: oneLine(event.summary ?? event.title ?? ''),
    description: [event.description, event.operationDescription].filter(Boolean).map((d) => d!.trim()).join('\n\n'),
    fields: fieldRows(doc, event.payload),
    example: event.examples[0] ? JSON.stringify(event.examples[0].payload, null, 2) : undefined,
    emits: (event.reaction?.emits ?? []).map((e) => emitRow(model, e)),
    guards: describeGuards(event),
    effect: effect === undefined ? '' : typeof effect === 'string' ? effect : Object.keys(effect)[0]!,
    mermaid: sequenceDiagram(model, event),
  };
}

/** The docs view of a protocol. */
export function docsView(model: ProtocolModel): DocsView {
  // Payloads reference component schemas: a document of just those resolves every field the docs print.
  const doc = { components: { schemas: model.schemas } };
  return {
    description: model.description.trim(),
    namespaces: model.namespaces.map((ns) => {
      const h = ns.socketio.handshake;
      const handshake = [
        h.jwt ? `JWT (${h.jwt.algorithms.join(', ')}) from ${h.jwt.token.map((t) => `\`${t}\``).join(' or ')}; user id = claim \`${h.jwt.userId}\`` : '',
        h.trust?.userId ? `trust mode: user id from \`${h.trust.userId}\`` : '',
        h.trust?.announce ? `trust mode: user id from the \`${h.trust.announce.event}\` event's \`${h.trust.announce.path}\`` : '',
        h.roles ? `roles ${h.roles.allowed.map((r) => `\`${r}\``).join(', ')} (claim attribute \`${h.roles.attribute}\`)` : '',
        `failure: ${h.onFailure === 'connectError' ? '`connect_error` with `data: { status, message }`' : 'the error event, then disconnect'}`,
      ].filter(Boolean);
      const errorRef = ns.socketio.errors.message.$ref;
      return {
        path: ns.path,
        handshake: handshake.join('; '),
        errorEvent: ns.events.find((e) => e.key === refName(errorRef))?.name ?? refName(errorRef),
        clientEvents: eventsOf(ns, 'client').map((e) => docEvent(model, doc, e)),
        serverEvents: eventsOf(ns, 'server').map((e) => docEvent(model, doc, e)),
        onConnect: lifecycleRows(model, ns.socketio.onConnect),
        onDisconnect: lifecycleRows(model, ns.socketio.onDisconnect),
      };
    }),
  };
}
