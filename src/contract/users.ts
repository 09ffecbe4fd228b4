/**
 * The users of a case: fresh for every case, so that "the pair's first message" or "the receiver
 * is offline" are known, and new in every run (their ids carry the run's start time), so that a
 * rerun against a server that kept its state meets no user of an earlier run. Their ids have the
 * shape the spec gives user ids (integers, ObjectIds, UUIDs or strings).
 */
import type { UserKey } from '../behaviour/index.js';
import { deref, type NamespaceModel, type ProtocolModel } from '../spec/model.js';
import { schemasAt } from '../spec/schema-paths.js';

export interface TestUser {
  /** `ada`, `bob`, `cy`: who the user is in the case (the actor, the counterpart, an outsider). */
  readonly label: string;
  /** The id as the protocol writes it. */
  readonly id: string | number;
  /** The role, where the spec has roles. */
  readonly role?: string;
  /** The behaviour model's key: the id, or `role:id`. */
  readonly key: UserKey;
  /** The handshake attributes the server learns from the user's token (`$actor.<name>`). */
  readonly attributes: Readonly<Record<string, unknown>>;
}

export type IdShape = 'integer' | 'objectId' | 'uuid' | 'string';

/** A unique number written as an id of a shape: itself, an ObjectId, a UUID, or a prefixed base-36 string. */
export function idOfShape(shape: IdShape, unique: number, prefix: string): string | number {
  switch (shape) {
    case 'integer':
      return unique;
    case 'objectId':
      return unique.toString(16).padStart(24, '0').slice(-24);
    case 'uuid':
      return `00000000-0000-4000-8000-${unique.toString(16).padStart(12, '0').slice(-12)}`;
    default:
      return `${prefix}${unique.toString(36)}`;
  }
}

/** The user id schema: from the claims schema at the token's user id path. */
function userIdSchema(model: ProtocolModel): Record<string, unknown> {
  const jwt = model.namespaces.map((ns) => ns.socketio.handshake.jwt).find(Boolean);
  if (!jwt) return {};
  const doc = { components: { schemas: model.schemas } };
  const [schema] = schemasAt(doc, jwt.claims, jwt.userId.split('.'));
  return (schema ? deref(doc, schema).value : {}) as Record<string, unknown>;
}

/** The shape of user ids: from the claims schema at the token's user id path, else a string. */
export function userIdShape(model: ProtocolModel): IdShape {
  const resolved = userIdSchema(model);
  if (resolved.type === 'integer' || resolved.type === 'number') return 'integer';
  const pattern = typeof resolved.pattern === 'string' ? resolved.pattern : '';
  if (/\{24\}/.test(pattern) && /a-f/i.test(pattern)) return 'objectId';
  if (resolved.format === 'uuid') return 'uuid';
  return 'string';
}

/** The roles of a namespace's handshake, if it has roles. */
export function rolesOf(model: ProtocolModel): NamespaceModel['socketio']['handshake']['roles'] {
  return model.namespaces.map((ns) => ns.socketio.handshake.roles).find(Boolean);
}

/** Makes fresh users: ids never used before, in this run or another. */
export class UserFactory {
  private count = 0;
  private readonly shape: IdShape;
  private readonly maximum: number;
  private readonly roles: ReturnType<typeof rolesOf>;

  /** @param stamp the run's start (ms since the epoch): what makes ids new across runs */
  constructor(
    model: ProtocolModel,
    private readonly stamp = Date.now(),
  ) {
    this.shape = userIdShape(model);
    const max = userIdSchema(model).maximum;
    this.maximum = typeof max === 'number' ? max : Number.MAX_SAFE_INTEGER;
    this.roles = rolesOf(model);
  }

  private nextId(): string | number {
    // The run's millisecond and a counter: distinct within a run and across runs (a thousand
    // users per run before two runs a millisecond apart could meet).
    const unique = this.stamp * 1000 + ++this.count;
    if (this.shape === 'integer' && unique > this.maximum) return 1_000_000 + (unique % (this.maximum - 1_000_000));
    return idOfShape(this.shape, unique, 'u');
  }

  /** A new user; with roles, of `role` (default: the first the spec allows). */
  user(label: string, role?: string): TestUser {
    const id = this.nextId();
    const r = this.roles ? (role ?? this.roles.allowed[0]!) : undefined;
    const attributes = this.roles && r !== undefined ? { [this.roles.attribute]: r } : {};
    return { label, id, role: r, key: r === undefined ? String(id) : `${r}:${String(id)}`, attributes };
  }

  /** The role a user's counterpart has (with roles), else undefined. */
  counterpartRole(role: string | undefined): string | undefined {
    if (!this.roles || role === undefined) return undefined;
    return this.roles.counterpart?.[role] ?? role;
  }
}
