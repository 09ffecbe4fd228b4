/**
 * Turning what the mock remembers into the objects a protocol shows: a conversation as a
 * `Thread`, a `Room` or a `Chat`, a message as that protocol's message, lists of them, users in
 * them. An entity sent before is shown as it was sent (its snapshot), with what changed since
 * (unread counts, last message, read flags) brought up to date. Users' own fake conversations,
 * with their history, are made here the first time a list needs them.
 */
import type { EntityPlan, FieldRole } from '../spec/entities.js';
import { norm } from '../spec/entities.js';
import { fits } from './fits.js';
import type { MockContext } from '../context.js';
import { clone } from '../../src/spec/paths.js';
import type { Random } from '../state/random.js';
import { CHAT_LINES } from './realism.js';
import type { ConversationKind, ConversationRecord, MessageRecord, Store, UserKey } from '../state/state.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Who an object is shown to, and where "online" is read. */
export interface View {
  readonly viewer: UserKey;
  readonly presenceNamespace: string;
}

/** Roles that describe what an entity is (kept from its snapshot) rather than its current state. */
const STATIC = new Set(['id', 'conversation', 'name', 'image', 'isGroup', 'kindEnum', 'creator', 'createdAt', 'scope', 'roleId', 'sender', 'senderUser', 'senderRole', 'senderName', 'senderFirstName', 'senderLastName', 'receiver', 'clientId', 'kind', 'media', 'mediaUrl', 'delivered']);
/** Roles whose value the creating request gives better than the mock can guess. */
export const REQUEST_FIRST: ReadonlySet<string> = new Set(['name', 'image', 'isGroup', 'kindEnum', 'creator', 'kind', 'roleName', 'rolePicture', 'senderName', 'senderFirstName', 'senderLastName']);
const KEEP = Symbol('keep');
/**
 * Roles whose values the mock makes itself, of the right shape by construction (its own ids, ISO
 * times, counts, flags): not checked against the field's schema one by one (the payload is
 * validated as a whole anyway). Values from requests (texts, names, user ids) are checked.
 */
const TRUSTED = new Set(['id', 'conversation', 'createdAt', 'updatedAt', 'lastAt', 'editedAt', 'unread', 'isGroup', 'read', 'delivered', 'pinned']);

const DAY = 86_400_000;

/** User schemas' field plans, shared by every renderer of a process (schemas never change). */
const userFieldCache = new WeakMap<object, { prop: string; kind: string; schema: unknown; required: boolean; values: readonly unknown[] }[]>();

/** A group: more than two people, or named (two people and no name is a one-to-one conversation). */
const isGroup = (c: ConversationRecord): boolean => c.kind === 'group' && (c.participants.length > 2 || c.name !== undefined);

/** The entity plan of a schema object (a `$ref` to an entity), once per schema object. */
const planCache = new WeakMap<object, EntityPlan | undefined>();

export class Renderer {
  private readonly userFieldCache = userFieldCache;

  constructor(
    private readonly ctx: MockContext,
    private readonly store: Store,
  ) {}

  private get rng(): Random {
    return this.ctx.rng;
  }

  private fitsSchema(schema: unknown, value: unknown): boolean {
    return fits(this.ctx.spec.index, schema, value);
  }

  /** A fresh (fake) object of an entity's schema. */
  sampleOf(schema: unknown): Obj {
    const v = this.ctx.factory.sample(this.ctx.factory.forSchema(schema), this.rng);
    return isObj(v) ? v : {};
  }

  /** The generated base of a record's object: the same one for the same seed and record. */
  private baseOf(plan: EntityPlan, record: ConversationRecord | MessageRecord): Obj {
    const v = this.ctx.factory.stable(this.ctx.factory.forSchema(plan.schema), record.id);
    return isObj(v) ? v : {};
  }

  /**
   * Shows a conversation or a message to a viewer. A conversation sent before starts from its
   * snapshot (what it was sent as); otherwise the object starts from the record's stable
   * generated base, with the fields of the request that made it, and the roles from the state.
   */
  entity(plan: EntityPlan, record: ConversationRecord | MessageRecord, view: View, depth = 0): Obj {
    const snapshot = 'snapshots' in record ? record.snapshots.get(plan.name) : undefined;
    const fresh = snapshot === undefined;
    const obj: Obj = fresh ? this.baseOf(plan, record) : clone(snapshot);
    if (fresh) {
      const roleOf = new Map(plan.roles.map((r) => [r.prop, r]));
      for (const [prop, value] of Object.entries(record.attrs)) {
        const role = roleOf.get(prop);
        if (role && !REQUEST_FIRST.has(role.role)) continue;
        const schema = plan.properties[prop];
        if (schema !== undefined && value !== undefined && this.fitsSchema(schema, value)) obj[prop] = clone(value);
      }
    }
    for (const role of plan.roles) {
      if (!fresh && STATIC.has(role.role)) continue;
      if (fresh && REQUEST_FIRST.has(role.role) && record.attrs[role.prop] !== undefined && obj[role.prop] === record.attrs[role.prop]) continue;
      const value =
        plan.kind === 'conversation'
          ? this.conversationValue(role, record as ConversationRecord, view, obj[role.prop], depth)
          : this.messageValue(role, record as MessageRecord, view, obj[role.prop]);
      if (value === KEEP) continue;
      if (value === undefined) {
        if (!role.required) delete obj[role.prop];
        continue;
      }
      if (typeof value === 'object' || TRUSTED.has(role.role) || this.fitsSchema(role.schema, value)) obj[role.prop] = value;
    }
    return obj;
  }

  private conversationValue(role: FieldRole, c: ConversationRecord, view: View, current: unknown, depth: number): unknown {
    const users = this.ctx.users;
    switch (role.role) {
      case 'id':
        return c.id;
      case 'participants': {
        const items = this.ctx.spec.index.items(role.schema);
        const asObjects = this.ctx.spec.index.isObject(items);
        const max = Number(this.ctx.spec.index.resolve(role.schema).maxItems ?? Infinity);
        const existing = Array.isArray(current) ? current : [];
        return c.participants.slice(0, max).map((key, i) => (asObjects ? this.user(existing[i] ?? this.sampleOf(items), items, key, view) : users.idOf(key)));
      }
      case 'roleId': {
        const key = c.participants.find((p) => users.roleOf(p) === role.arg);
        return key === undefined ? KEEP : users.idOf(key);
      }
      case 'roleName':
      case 'rolePicture': {
        const key = c.participants.find((p) => users.roleOf(p) === role.arg);
        if (key === undefined) return KEEP;
        const profile = users.profile(key);
        return role.role === 'roleName' ? profile.name : profile.picture;
      }
      case 'name': {
        if (c.name) return c.name;
        const o = this.otherOf(c, view.viewer);
        return role.required && o !== undefined ? users.profile(o).name : undefined;
      }
      case 'image': {
        if (c.image) return c.image;
        const o = this.otherOf(c, view.viewer);
        if (c.kind !== 'group' && o !== undefined && role.required) {
          const picture = users.profile(o).picture;
          if (this.fitsSchema(role.schema, picture)) return picture;
        }
        if (!role.required) return undefined;
        return this.fitsSchema(role.schema, null) ? null : this.fitsSchema(role.schema, '') ? '' : KEEP;
      }
      case 'isGroup':
        return isGroup(c);
      case 'kindEnum': {
        const values = (this.ctx.spec.index.resolve(role.schema).enum ?? []) as unknown[];
        const want = isGroup(c) ? /group/i : /peer|direct|private|single|one/i;
        return values.find((v) => want.test(String(v))) ?? KEEP;
      }
      case 'creator':
        return c.creator ? users.idOf(c.creator) : undefined;
      case 'createdAt':
        return new Date(c.createdAt).toISOString();
      case 'updatedAt':
        return new Date(c.updatedAt).toISOString();
      case 'lastAt': {
        const m = this.store.lastMessage(c);
        return m ? new Date(m.createdAt).toISOString() : role.required ? new Date(c.createdAt).toISOString() : undefined;
      }
      case 'lastText': {
        const m = this.store.lastMessage(c);
        return m ? (m.text ?? '') : role.required ? '' : undefined;
      }
      case 'lastSender': {
        const m = this.store.lastMessage(c);
        return m ? users.idOf(m.sender) : KEEP;
      }
      case 'lastSenderName': {
        const m = this.store.lastMessage(c);
        return m ? users.profile(m.sender).name : KEEP;
      }
      case 'lastKind': {
        const m = this.store.lastMessage(c);
        return m && typeof m.kind === 'string' && m.kind !== '' ? m.kind : m ? 'text' : KEEP;
      }
      case 'lastMessage': {
        const m = this.store.lastMessage(c);
        const plan = this.planOf(role.schema);
        return m && plan && depth < 2 ? this.entity(plan, m, view, depth + 1) : undefined;
      }
      case 'messages': {
        const plan = this.planOf(this.ctx.spec.index.items(role.schema));
        if (!plan || depth >= 2) return [];
        this.fillHistory(c);
        const max = Number(this.ctx.spec.index.resolve(role.schema).maxItems ?? 50);
        return this.store
          .messagesOf(c)
          .slice(0, max)
          .map((m) => this.entity(plan, m, view, depth + 1));
      }
      case 'unread':
        return this.store.unreadIn(c.id, view.viewer);
      case 'pinned': {
        const max = Number(this.ctx.spec.index.resolve(role.schema).maxItems ?? 100);
        return c.pinned.filter((id) => this.store.messages.get(id)?.deleted === false).slice(0, max);
      }
      case 'scope':
        return c.scope[Number(role.arg)] ?? KEEP;
      default:
        return KEEP;
    }
  }

  /** The participant a viewer sees a two-person conversation as (the other one). */
  private otherOf(c: ConversationRecord, viewer: UserKey): UserKey | undefined {
    for (const p of c.participants) if (p !== viewer) return p;
    return c.participants[0];
  }

  /** A message's recipients: its conversation's participants but the sender. */
  private recipientsOf(m: MessageRecord): UserKey[] {
    const conv = this.store.conversations.get(m.conversationId);
    const out: UserKey[] = [];
    if (conv) for (const p of conv.participants) if (p !== m.sender) out.push(p);
    return out;
  }

  private messageValue(role: FieldRole, m: MessageRecord, view: View, current: unknown): unknown {
    const users = this.ctx.users;
    switch (role.role) {
      case 'id':
        return m.id;
      case 'conversation':
        return m.conversationId;
      case 'sender':
        return users.idOf(m.sender);
      case 'senderUser':
        return this.user(isObj(current) ? current : this.sampleOf(role.schema), role.schema, m.sender, view);
      case 'senderRole': {
        const r = users.roleOf(m.sender);
        const values = (this.ctx.spec.index.resolve(role.schema).enum ?? []) as unknown[];
        return values.find((v) => String(v).toLowerCase() === r?.toLowerCase()) ?? KEEP;
      }
      case 'senderName':
        return users.profile(m.sender).name;
      case 'senderFirstName':
        return users.profile(m.sender).first_name;
      case 'senderLastName':
        return users.profile(m.sender).last_name;
      case 'receiver': {
        const first = this.recipientsOf(m)[0];
        return first === undefined ? KEEP : users.idOf(first);
      }
      case 'text':
        if (m.text !== undefined) return m.text;
        return this.fitsSchema(role.schema, null) ? null : role.required ? KEEP : undefined;
      case 'createdAt':
        return new Date(m.createdAt).toISOString();
      case 'editedAt':
        return m.editedAt === undefined ? undefined : new Date(m.editedAt).toISOString();
      case 'clientId':
        return m.clientId === undefined || m.clientId === null ? (role.required ? KEEP : undefined) : m.clientId;
      case 'kind':
        return m.kind !== undefined && this.fitsSchema(role.schema, m.kind) ? m.kind : KEEP;
      case 'media':
        return this.media(role.schema, m.media);
      case 'mediaUrl':
        return m.mediaUrl ?? KEEP;
      case 'read': {
        const recipients = this.recipientsOf(m);
        return recipients.length > 0 && recipients.every((r) => m.readBy.has(r));
      }
      case 'delivered':
        return m.onlineAtStore;
      case 'receipts': {
        const items = this.ctx.spec.index.items(role.schema);
        const props = Object.keys(this.ctx.spec.index.properties(items));
        const idProp = props.find((p) => /^(_?id|userid|user_id)$/i.test(p));
        const flag = props.find((p) => /seen|read/i.test(p));
        if (!idProp) return KEEP;
        return this.recipientsOf(m).map((r) => ({ [idProp]: users.idOf(r), ...(flag ? { [flag]: m.readBy.has(r) } : {}) }));
      }
      case 'pinned':
        return m.pinned;
      default:
        return KEEP;
    }
  }

  /** Media references of a stored message, shown as the protocol's media objects. */
  private media(schema: unknown, stored: unknown): unknown {
    const items = this.ctx.spec.index.items(schema);
    if (!Array.isArray(stored)) return [];
    return stored.map((ref) => {
      if (!isObj(ref)) return ref;
      const obj = this.sampleOf(items);
      const props = this.ctx.spec.index.properties(items);
      for (const [k, v] of Object.entries(ref)) if (props[k] !== undefined && this.fitsSchema(props[k], v)) obj[k] = v;
      return obj;
    });
  }

  /** How each field of a user schema is filled, worked out once per schema. */
  private userFields(schema: unknown): { prop: string; kind: string; schema: unknown; required: boolean; values: readonly unknown[] }[] {
    let fields = this.userFieldCache.get(schema as object);
    if (fields) return fields;
    const index = this.ctx.spec.index;
    const required = index.required(schema);
    fields = Object.entries(index.properties(schema)).flatMap(([prop, propSchema]) => {
      const n = norm(prop);
      const kind = /^(userid|uid|id)$/.test(n)
        ? 'id'
        : /^(name|username|fullname|displayname)$/.test(n)
          ? 'name'
          : n === 'firstname'
            ? 'first_name'
            : n === 'lastname'
              ? 'last_name'
              : n === 'email'
                ? 'email'
                : /(pic|picture|avatar|photo|image)$/.test(n)
                  ? 'picture'
                  : /online/.test(n)
                    ? 'online'
                    : undefined;
      return kind ? [{ prop, kind, schema: propSchema, required: required.has(prop), values: (index.resolve(propSchema).enum ?? []) as unknown[] }] : [];
    });
    this.userFieldCache.set(schema as object, fields);
    return fields;
  }

  /** A user object (`{ user_id, email, name }`, a participant…) for a user key. */
  user(base: unknown, schema: unknown, key: UserKey, view: View): Obj {
    const obj: Obj = isObj(base) ? base : {};
    const profile = this.ctx.users.profile(key);
    for (const f of this.userFields(schema)) {
      if (!(f.prop in obj) && !f.required) continue;
      let value: unknown;
      switch (f.kind) {
        case 'id':
          value = this.ctx.users.idOf(key);
          break;
        case 'name':
        case 'first_name':
        case 'last_name':
        case 'email':
          value = profile[f.kind];
          break;
        case 'picture':
          value = this.fitsSchema(f.schema, profile.picture) ? profile.picture : '';
          break;
        case 'online': {
          const online = this.ctx.presence.isOnline(key, view.presenceNamespace);
          value = f.values.length ? (f.values.includes(online ? '1' : '0') ? (online ? '1' : '0') : f.values.includes(online) ? online : KEEP) : online;
          break;
        }
      }
      if (value !== KEEP && this.fitsSchema(f.schema, value)) obj[f.prop] = value;
    }
    return obj;
  }

  private planOf(schema: unknown): EntityPlan | undefined {
    if (schema === null || typeof schema !== 'object') return undefined;
    if (planCache.has(schema)) return planCache.get(schema);
    const name = (schema as { $ref?: string }).$ref?.split('/').pop();
    const plan = name ? this.ctx.plans.get(name) : undefined;
    planCache.set(schema, plan);
    return plan;
  }

  /** The objects of a list of entities shown to a viewer: their conversations, or their offline messages. */
  list(plan: EntityPlan, view: View, itemSchema: unknown, max: number): Obj[] {
    if (plan.kind === 'conversation') {
      this.ensureFilled(view.viewer);
      return this.store
        .conversationsOf(view.viewer)
        .slice(0, max)
        .map((c) => this.entity(plan, c, view));
    }
    void itemSchema;
    return this.store
      .offlineMessagesOf(view.viewer)
      .slice(0, max)
      .map((m) => this.entity(plan, m, view));
  }

  /** The viewer's co-participants (users who share a conversation with them) who are online, each once. */
  onlineCoParticipants(view: View, itemSchema: unknown, max: number): Obj[] {
    const seen = new Set<UserKey>([view.viewer]);
    const out: Obj[] = [];
    for (const c of this.store.conversationsOf(view.viewer)) {
      for (const key of c.participants) {
        if (seen.has(key) || out.length >= max) continue;
        seen.add(key);
        if (this.ctx.presence.isOnline(key, view.presenceNamespace)) out.push(this.user(this.sampleOf(itemSchema), itemSchema, key, view));
      }
    }
    return out;
  }

  /** Gives a user their fake conversations (with fake peers and a history), once. */
  ensureFilled(key: UserKey): void {
    const user = this.store.users.get(key);
    if (!user || user.filled || user.fake) return;
    user.filled = true;
    const kinds = this.ctx.facts.conversationKinds;
    for (let i = 0; i < this.ctx.settings.fill && kinds.length > 0; i++) this.fakeConversation(key, kinds[i % kinds.length]!);
  }

  /** A fake conversation of a user with one or two fake peers. */
  fakeConversation(key: UserKey, kind: ConversationKind, peer?: UserKey): ConversationRecord {
    const rng = this.rng;
    const users = this.ctx.users;
    const role = users.roleOf(key);
    const peerRole = role && users.roles ? (users.roles.counterpart[role] ?? role) : undefined;
    const peers = peer ? [peer] : [users.fakePeer(rng, this.ctx.facts.userIdComponent, peerRole).key];
    if (kind === 'group' && !peer && rng.chance(0.5)) peers.push(users.fakePeer(rng, this.ctx.facts.userIdComponent, peerRole).key);
    const now = this.ctx.clock.now();
    const scope = kind === 'product' ? this.ctx.facts.scopeSchemas.map((s) => this.ctx.factory.sample(this.ctx.factory.forSchema(s), rng)) : [];
    const conv = this.store.createConversation({
      id: String(this.ctx.realism.id(this.ctx.facts.conversationIdComponent, rng)),
      kind,
      participants: [key, ...peers],
      scope,
      name: kind === 'group' && peers.length > 1 ? String(this.ctx.realism.value('groupName', rng)) : undefined,
      creator: kind === 'group' ? peers[0] : undefined,
      createdAt: now - rng.int(3 * DAY, 20 * DAY),
      fake: true,
    });
    this.fillHistory(conv);
    return conv;
  }

  /** Gives a fake conversation a few messages, the last ones unread by the real user. */
  fillHistory(conv: ConversationRecord): void {
    if (conv.historyFilled) return;
    conv.historyFilled = true;
    const rng = this.rng;
    const real = conv.participants.filter((p) => !this.store.users.get(p)?.fake);
    const count = rng.int(2, 6);
    const unread = rng.int(0, 2);
    const now = this.ctx.clock.now();
    let t = Math.max(conv.createdAt, now - 2 * DAY - rng.int(DAY));
    for (let i = 0; i < count; i++) {
      t += rng.int(60_000, 6 * 3_600_000);
      if (t >= now) t = now - (count - i) * 60_000;
      const last = i >= count - unread;
      const fakes = conv.participants.filter((p) => this.store.users.get(p)?.fake);
      const sender = last || real.length === 0 || rng.chance(0.5) ? rng.pick(fakes.length ? fakes : conv.participants) : rng.pick(real);
      this.store.storeMessage({
        id: String(this.ctx.realism.id(this.ctx.facts.messageIdComponent, rng)),
        conversation: conv,
        sender,
        text: rng.pick(CHAT_LINES),
        createdAt: t,
        online: () => !last,
        readBy: last ? conv.participants.filter((p) => !real.includes(p)) : conv.participants,
      });
    }
  }
}
