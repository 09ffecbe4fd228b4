/** Token claims as a spec describes them: where the user id and attributes sit, and their shape. */
import type { Ajv, ValidateFunction } from 'ajv';
import { createAjv } from '../spec/ajv.js';
import { rebaseRefs } from '../spec/check.js';
import { describePayloadError } from '../runtime/problems.js';
import type { NamespaceModel, ProtocolModel } from '../spec/model.js';
import { deref } from '../spec/model.js';
import { getPath, parsePath } from '../spec/paths.js';
import { schemasAt } from '../spec/schema-paths.js';

/** The claims rules of one namespace's JWT handshake. */
export class ClaimsRules {
  private readonly validate: ValidateFunction;

  constructor(
    private readonly model: ProtocolModel,
    readonly namespace: NamespaceModel,
    ajv: Ajv = claimsAjv(model),
  ) {
    const jwt = namespace.socketio.handshake.jwt;
    if (!jwt) throw new Error(`${model.protocol} ${namespace.path}: no JWT handshake`);
    this.validate = ajv.compile(rebaseRefs(jwt.claims) as object);
  }

  get userIdPath(): string {
    return this.namespace.socketio.handshake.jwt!.userId;
  }

  /** The user id a token's claims carry, or undefined. */
  userIdIn(claims: unknown): unknown {
    const id = getPath(claims, parsePath(this.userIdPath));
    return id === null || id === '' ? undefined : id;
  }

  /** The identity attributes a token's claims carry, by the spec's attribute names. */
  attributesIn(claims: unknown): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, path] of Object.entries(this.attributes)) {
      const value = getPath(claims, parsePath(path));
      if (value !== undefined) out[name] = value;
    }
    return out;
  }

  get attributes(): Readonly<Record<string, string>> {
    return this.namespace.socketio.handshake.jwt!.attributes ?? {};
  }

  /** The problem with a token's claims, or undefined when they fit the spec's schema. */
  problem(claims: unknown): string | undefined {
    if (this.validate(claims)) return undefined;
    return `token claims: ${describePayloadError(this.validate.errors![0]!).message}`;
  }

  /** The JSON type the spec gives the user id claim (`integer` in marketplace, `string` elsewhere). */
  userIdType(): string {
    const jwt = this.namespace.socketio.handshake.jwt!;
    const [schema] = schemasAt(this.model.schemas ? { components: { schemas: this.model.schemas } } : {}, jwt.claims, jwt.userId.split('.'));
    const resolved = schema ? (deref({ components: { schemas: this.model.schemas } }, schema).value as Record<string, unknown>) : undefined;
    return typeof resolved?.type === 'string' ? resolved.type : 'string';
  }
}

function claimsAjv(model: ProtocolModel): Ajv {
  const ajv = createAjv({ allErrors: false });
  ajv.addSchema({ $id: 'spec', components: { schemas: model.schemas } }, 'spec');
  return ajv;
}
