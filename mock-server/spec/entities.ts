/**
 * Entities (`x-parley-entity`, CONVENTIONS.md §7): which field of a `Chat`, a `Thread` or a
 * `Message` holds what the mock knows (its id, participants, sender, text, unread count…).
 *
 * Each field's role is learnt, in this order, from:
 * 1. the spec's emits: a field an emit fills with `$message.id` is the message's id, one filled
 *    with the request's text (the `storeMessage` text) is its text, and so on;
 * 2. the spec's vocabulary: the request fields a conversation's `scope` or `createConversation`
 *    name, the handshake's roles (`vendorId` holds the vendor's id);
 * 3. the field's name and type (`createdAt`, `unreadCount`, `participants`).
 * The result is a plan per entity schema, computed once per spec and unit-tested per spec.
 */
import type { EventModel, ProtocolModel } from '../../src/spec/model.js';
import { asList, type Effect, type Emit, type ReceiveOperationExt } from '../../src/spec/vocabulary.js';
import { parsePath, type Segment } from '../../src/spec/paths.js';
import { refName, type SchemaIndex } from './schemas.js';

export type ConversationRole =
  | 'id'
  | 'participants'
  | 'roleId'
  | 'name'
  | 'image'
  | 'isGroup'
  | 'kindEnum'
  | 'creator'
  | 'createdAt'
  | 'updatedAt'
  | 'lastAt'
  | 'lastText'
  | 'lastSender'
  | 'lastSenderName'
  | 'lastKind'
  | 'lastMessage'
  | 'messages'
  | 'unread'
  | 'pinned'
  | 'scope'
  | 'roleName'
  | 'rolePicture';

export type MessageRole =
  | 'id'
  | 'conversation'
  | 'sender'
  | 'senderUser'
  | 'senderRole'
  | 'senderName'
  | 'senderFirstName'
  | 'senderLastName'
  | 'receiver'
  | 'text'
  | 'createdAt'
  | 'editedAt'
  | 'clientId'
  | 'kind'
  | 'media'
  | 'mediaUrl'
  | 'read'
  | 'delivered'
  | 'receipts'
  | 'pinned';

export interface FieldRole {
  readonly prop: string;
  readonly role: ConversationRole | MessageRole;
  /** The role name of a `roleId` field, the index of a `scope` field. */
  readonly arg?: string | number;
  /** The field's schema as written. */
  readonly schema: unknown;
  readonly required: boolean;
  /** How the role was found. */
  readonly source: 'emit' | 'vocabulary' | 'name';
}

export interface EntityPlan {
  /** The component name (`Chat`). */
  readonly name: string;
  readonly kind: 'message' | 'conversation';
  /** `{ $ref: '#/components/schemas/<name>' }`. */
  readonly schema: unknown;
  readonly idProp: string;
  readonly roles: readonly FieldRole[];
  readonly properties: Readonly<Record<string, unknown>>;
  readonly required: ReadonlySet<string>;
}

export interface EntityLocation {
  readonly path: readonly Segment[];
  readonly plan: EntityPlan;
  /** A list of entities (an array whose items are the entity). */
  readonly list: boolean;
}

/** Lower case letters and digits only: `last_message_Username` → `lastmessageusername`. */
export const norm = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '');

const USER_ID = /^(userid|uid)$/;

/** Whether an object schema describes a user (`{ user_id, email, name }`, `{ userid, username… }`). */
export function isUserSchema(index: SchemaIndex, schema: unknown): boolean {
  if (!index.isObject(schema)) return false;
  const props = Object.keys(index.properties(schema)).map(norm);
  return props.some((p) => USER_ID.test(p)) && props.some((p) => /name|email/.test(p));
}

interface Facts {
  readonly roles: readonly string[];
  /** Request fields named by effects and conversations, per kind of value. */
  readonly textExprs: Set<string>;
  readonly clientIdExprs: Set<string>;
  readonly kindExprs: Set<string>;
  readonly mediaExprs: Set<string>;
  readonly nameExprs: Set<string>;
  readonly imageExprs: Set<string>;
  readonly scopeExprs: string[][];
  readonly counterpartExprs: Set<string>;
}

const exprs = (value: unknown): string[] => asList(value as unknown).flatMap((v) => (typeof v === 'string' && v.startsWith('$') ? [v] : Array.isArray(v) ? exprs(v) : []));
const lastSegment = (expr: string): string => expr.split('.').pop() ?? expr;

function factsOf(model: ProtocolModel): Facts {
  const facts: Facts = {
    roles: [...new Set(model.namespaces.flatMap((ns) => ns.socketio?.handshake?.roles?.allowed ?? []))],
    textExprs: new Set(),
    clientIdExprs: new Set(),
    kindExprs: new Set(),
    mediaExprs: new Set(),
    nameExprs: new Set(),
    imageExprs: new Set(),
    scopeExprs: [],
    counterpartExprs: new Set(),
  };
  for (const ns of model.namespaces) {
    for (const e of ns.events) {
      const r = e.reaction;
      if (!r) continue;
      const effect = r.effect as Effect | undefined;
      if (effect && typeof effect === 'object') {
        const e2 = effect as Record<string, Record<string, unknown>>;
        const store = e2.storeMessage;
        if (store) {
          exprs(store.text).forEach((x) => facts.textExprs.add(x));
          exprs(store.clientId).forEach((x) => facts.clientIdExprs.add(x));
          exprs(store.kind).forEach((x) => facts.kindExprs.add(x));
          exprs(store.media).forEach((x) => facts.mediaExprs.add(x));
        }
        const media = e2.storeMedia;
        if (media) {
          exprs(media.mimeType).forEach((x) => facts.kindExprs.add(x));
          exprs(media.clientId).forEach((x) => facts.clientIdExprs.add(x));
        }
        const create = e2.createConversation;
        if (create) {
          exprs(create.name).forEach((x) => facts.nameExprs.add(x));
          exprs(create.image).forEach((x) => facts.imageExprs.add(x));
        }
      }
      for (const c of asList(r.conversation)) {
        if ('participants' in c) {
          for (const p of exprs(c.participants)) if (p !== '$actor.id') facts.counterpartExprs.add(p);
          (c.scope ?? []).forEach((s, i) => {
            (facts.scopeExprs[i] ??= []).push(s);
          });
        }
      }
    }
  }
  return facts;
}

function learnedRole(kind: 'message' | 'conversation', prop: string, expr: string, facts: Facts): { role: ConversationRole | MessageRole; arg?: number } | undefined {
  const n = norm(prop);
  if (kind === 'message') {
    if (expr === '$message.id') return { role: 'id' };
    if (expr === '$conversation.id') return { role: 'conversation' };
    if (expr === '$actor.id') return { role: 'sender' };
    if (expr === '$message.createdAt') return { role: 'createdAt' };
    if (expr === '$now' && /edit/.test(n)) return { role: 'editedAt' };
    if (facts.textExprs.has(expr)) return { role: 'text' };
    if (facts.clientIdExprs.has(expr)) return { role: 'clientId' };
    if (facts.kindExprs.has(expr)) return { role: 'kind' };
    if (facts.mediaExprs.has(expr)) return { role: 'media' };
    if (facts.counterpartExprs.has(expr)) return { role: 'receiver' };
    return undefined;
  }
  if (expr === '$conversation.id') return { role: 'id' };
  if (expr === '$conversation.unread') return { role: 'unread' };
  if (expr === '$actor.id') return /last/.test(n) ? { role: 'lastSender' } : /creat|owner|admin/.test(n) ? { role: 'creator' } : undefined;
  if (expr === '$message.createdAt') return { role: 'lastAt' };
  if (facts.textExprs.has(expr)) return { role: 'lastText' };
  if (facts.kindExprs.has(expr)) return { role: 'lastKind' };
  if (facts.nameExprs.has(expr)) return { role: 'name' };
  if (facts.imageExprs.has(expr)) return { role: 'image' };
  const scopeIndex = facts.scopeExprs.findIndex((list) => list.includes(expr));
  if (scopeIndex >= 0) return { role: 'scope', arg: scopeIndex };
  return undefined;
}

function namedMessageRole(index: SchemaIndex, prop: string, schema: unknown, facts: Facts, entities: ReadonlyMap<string, 'message' | 'conversation'>): { role: MessageRole; arg?: string } | undefined {
  const n = norm(prop);
  const types = index.types(schema);
  const resolved = index.resolve(schema);
  if (/^(senderid|authorid|fromid|userid)$/.test(n)) return { role: 'sender' };
  if (/^(user|sender|author|from)$/.test(n) && isUserSchema(index, schema)) return { role: 'senderUser' };
  if (Array.isArray(resolved.enum) && facts.roles.length && resolved.enum.every((v) => typeof v === 'string' && facts.roles.some((r) => r.toLowerCase() === v.toLowerCase()))) {
    return { role: 'senderRole' };
  }
  if (/^(receiverid|recipientid|toid)$/.test(n)) return { role: 'receiver' };
  if (/^(text|message|messagebody|body|content)$/.test(n) && types.includes('string')) return { role: 'text' };
  if (/^(createdat|datecreated|timestamp|sentat|time)$/.test(n)) return { role: 'createdAt' };
  if (/^(editedat|dateedited)$/.test(n)) return { role: 'editedAt' };
  if (/^(messagetype|type|kind|contenttype)$/.test(n) && types.includes('string')) return { role: 'kind' };
  if (/^(messagemedias|attachments|media|medias|files)$/.test(n) && index.isArray(schema)) return { role: 'media' };
  if (/^(contenturl|mediaurl|fileurl)$/.test(n)) return { role: 'mediaUrl' };
  if (/^(read|seen|isread|isseen)$/.test(n) && types.includes('boolean')) return { role: 'read' };
  if (/^(recipientonline|delivered|isdelivered)$/.test(n) && types.includes('boolean')) return { role: 'delivered' };
  if (/^(recipients|receipts|readby)$/.test(n) && index.isArray(schema)) {
    const items = index.items(schema);
    if (index.isObject(items)) return { role: 'receipts' };
  }
  if (/^(pinned|ispinned)$/.test(n) && types.includes('boolean')) return { role: 'pinned' };
  if (/^firstname$/.test(n)) return { role: 'senderFirstName' };
  if (/^lastname$/.test(n)) return { role: 'senderLastName' };
  if (/^(username|sendername)$/.test(n)) return { role: 'senderName' };
  void entities;
  return undefined;
}

function namedConversationRole(index: SchemaIndex, prop: string, schema: unknown, facts: Facts, entities: ReadonlyMap<string, 'message' | 'conversation'>): { role: ConversationRole; arg?: string | number } | undefined {
  const n = norm(prop);
  const types = index.types(schema);
  const resolved = index.resolve(schema);
  const itemEntity = index.isArray(schema) ? entities.get(refName(index.items(schema)) ?? '') : undefined;
  if (itemEntity === 'message') return { role: 'messages' };
  if (entities.get(refName(schema) ?? '') === 'message') return { role: 'lastMessage' };
  for (const role of facts.roles) {
    const r = role.toLowerCase();
    if (n === `${r}id`) return { role: 'roleId', arg: role };
    if (n === `${r}name` && types.includes('string')) return { role: 'roleName', arg: role };
    if (n.startsWith(r) && /(pic|picture|avatar|photo)$/.test(n) && types.includes('string')) return { role: 'rolePicture', arg: role };
  }
  const scopeIndex = facts.scopeExprs.findIndex((list) => list.some((x) => norm(lastSegment(x)) === n));
  if (scopeIndex >= 0) return { role: 'scope', arg: scopeIndex };
  if (/^(participants|recipients|members|users)$/.test(n) && index.isArray(schema)) return { role: 'participants' };
  if (/^(name|roomname|groupname|title|chatname)$/.test(n) && types.includes('string')) return { role: 'name' };
  if (/^(image|imageurl|avatar|picture|groupimage|icon)$/.test(n) && types.includes('string')) return { role: 'image' };
  if (/^(isgroup|group)$/.test(n) && types.includes('boolean')) return { role: 'isGroup' };
  if (/^(type|kind|roomtype|chattype)$/.test(n) && Array.isArray(resolved.enum)) {
    const values = resolved.enum.map(String);
    if (values.some((v) => /group/i.test(v)) && values.some((v) => /peer|direct|private|single|one/i.test(v))) return { role: 'kindEnum' };
  }
  if (/^(creatorid|createdby|ownerid|admin|adminid)$/.test(n)) return { role: 'creator' };
  if (/^(createdat|datecreated)$/.test(n)) return { role: 'createdAt' };
  if (/^updatedat$/.test(n)) return { role: 'updatedAt' };
  if (/^(lastmessageat|lastmessagetimestamp|lastactivity|lastmessagetime|lastmessagedate)$/.test(n)) return { role: 'lastAt' };
  if (/^lastmessage$/.test(n) && types.includes('string')) return { role: 'lastText' };
  if (/^(lastmessagesenderid|lastsenderid)$/.test(n)) return { role: 'lastSender' };
  if (/^(lastmessageusername|lastsendername|lastmessagesendername)$/.test(n)) return { role: 'lastSenderName' };
  if (/^(contenttype|lastmessagetype|lastmessagekind)$/.test(n)) return { role: 'lastKind' };
  if (/unread/.test(n) && (types.includes('integer') || types.includes('number'))) return { role: 'unread' };
  if (/^(pinnedmessages|pinned|pins)$/.test(n) && index.isArray(schema)) return { role: 'pinned' };
  return undefined;
}

/**
 * The request fields worth remembering with what a request creates, by entity kind: those an
 * entity shows that no role fills from the state (a Chat's product and store names), or that the
 * request gives better (a group's name). Everything else of the request is not kept.
 */
export function carriedFields(plans: ReadonlyMap<string, EntityPlan>, requestFirst: ReadonlySet<string>): Record<'message' | 'conversation', Set<string>> {
  const out = { message: new Set<string>(), conversation: new Set<string>() };
  for (const plan of plans.values()) {
    const roleOf = new Map(plan.roles.map((r) => [r.prop, r.role]));
    for (const prop of Object.keys(plan.properties)) {
      const role = roleOf.get(prop);
      if (role === undefined || requestFirst.has(role)) out[plan.kind].add(prop);
    }
  }
  return out;
}

/** Where entities sit in a payload schema: single objects and lists, outermost only. */
export function locateEntities(index: SchemaIndex, plans: ReadonlyMap<string, EntityPlan>, schema: unknown, path: Segment[] = [], depth = 0): EntityLocation[] {
  if (schema === undefined || depth > 5) return [];
  const own = plans.get(refName(schema) ?? '');
  if (own) return [{ path, plan: own, list: false }];
  if (index.isArray(schema)) {
    const items = index.items(schema);
    const plan = plans.get(refName(items) ?? '');
    return plan ? [{ path, plan, list: true }] : [];
  }
  if (!index.isObject(schema)) return [];
  return Object.entries(index.properties(schema)).flatMap(([k, s]) => locateEntities(index, plans, s, [...path, k], depth + 1));
}

/** Every emit of the spec, with the reaction it follows (none for lifecycle emits). */
function allEmits(model: ProtocolModel): { emit: Emit; reaction?: ReceiveOperationExt; namespace: string }[] {
  const out: { emit: Emit; reaction?: ReceiveOperationExt; namespace: string }[] = [];
  for (const ns of model.namespaces) {
    for (const e of ns.events) for (const emit of e.reaction?.emits ?? []) out.push({ emit, reaction: e.reaction, namespace: ns.key });
    for (const entry of [...(ns.socketio?.onConnect ?? []), ...(ns.socketio?.onDisconnect ?? [])]) {
      if ('message' in entry) out.push({ emit: entry, namespace: ns.key });
    }
  }
  return out;
}

/** The plans of every entity schema of a spec. */
export function entityPlans(model: ProtocolModel, index: SchemaIndex, eventOf: (ref: unknown) => EventModel | undefined): Map<string, EntityPlan> {
  const facts = factsOf(model);
  const kinds = new Map<string, 'message' | 'conversation'>(Object.entries(model.entities).map(([name, e]) => [name, e.kind]));

  // Provisional plans (markers only), to find where entities sit in each emit's payload.
  const provisional = new Map<string, EntityPlan>();
  for (const [name, marker] of Object.entries(model.entities)) {
    provisional.set(name, { name, kind: marker.kind, schema: { $ref: `#/components/schemas/${name}` }, idProp: marker.id, roles: [], properties: {}, required: new Set() });
  }
  const learned = new Map<string, Map<string, string>>();
  for (const { emit } of allEmits(model)) {
    const event = eventOf(emit.message);
    if (!event || !emit.fields) continue;
    const locations = locateEntities(index, provisional, event.payload);
    for (const [dotted, value] of Object.entries(emit.fields)) {
      if (typeof value !== 'string' || !value.startsWith('$')) continue;
      const path = parsePath(dotted);
      for (const loc of locations) {
        const start = loc.path.length + (loc.list ? 1 : 0);
        if (path.length !== start + 1) continue;
        if (!loc.path.every((seg, i) => seg === path[i])) continue;
        if (loc.list && path[loc.path.length] !== 0) continue;
        const prop = String(path[start]);
        const byProp = learned.get(loc.plan.name) ?? new Map<string, string>();
        if (!byProp.has(prop)) byProp.set(prop, value);
        learned.set(loc.plan.name, byProp);
      }
    }
  }

  const plans = new Map<string, EntityPlan>();
  for (const [name, marker] of Object.entries(model.entities)) {
    const schema = { $ref: `#/components/schemas/${name}` };
    const properties = index.properties(schema);
    const required = index.required(schema);
    const roles: FieldRole[] = [];
    for (const [prop, propSchema] of Object.entries(properties)) {
      const base = { prop, schema: propSchema, required: required.has(prop) };
      if (prop === marker.id) {
        roles.push({ ...base, role: 'id', source: 'vocabulary' });
        continue;
      }
      if (marker.kind === 'message' && prop === marker.conversation) {
        roles.push({ ...base, role: 'conversation', source: 'vocabulary' });
        continue;
      }
      const expr = learned.get(name)?.get(prop);
      const fromEmit = expr ? learnedRole(marker.kind, prop, expr, facts) : undefined;
      if (fromEmit) {
        roles.push({ ...base, role: fromEmit.role, arg: fromEmit.arg, source: 'emit' });
        continue;
      }
      const fromName =
        marker.kind === 'message' ? namedMessageRole(index, prop, propSchema, facts, kinds) : namedConversationRole(index, prop, propSchema, facts, kinds);
      if (fromName) roles.push({ ...base, role: fromName.role, arg: fromName.arg, source: ['roleId', 'roleName', 'rolePicture', 'scope'].includes(fromName.role) ? 'vocabulary' : 'name' });
    }
    plans.set(name, { name, kind: marker.kind, schema, idProp: marker.id, roles, properties, required });
  }
  return plans;
}
