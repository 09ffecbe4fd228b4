/**
 * The runtime's description of a namespace (`NamespaceSpec`), derived from the spec model once:
 * the mock attaches it as it is, the generator prints it into each stub (`json`), and a test
 * holds the two to the same settings.
 */
import type { CredentialSource, ErrorField, NamespaceSpec } from '../runtime/namespace-spec.js';
import type { Failure } from '../runtime/errors.js';
import { actorPaths, eventsOf, refName, type NamespaceModel, type ProtocolModel } from './model.js';
import { methodName } from './names.js';
import { sequenceOf } from './sequences.js';
import type { Value } from './vocabulary.js';

/** What the runtime says when a namespace that requires presence is joined first. */
const REQUIRES_ONLINE_MESSAGE = 'Connect to the presence namespace first';

const FAILURE_FIELDS: readonly (keyof Failure)[] = ['kind', 'status', 'message', 'event', 'field'];

/** `auth.token` → `{ in: 'auth', name: 'token' }` (header names in lower case, as Node gives them). */
export function credentialSource(dotted: string): CredentialSource {
  const [where, ...rest] = dotted.split('.');
  const name = rest.join('.');
  if (where !== 'auth' && where !== 'headers' && where !== 'query') throw new Error(`a credential is read from auth, headers or query, not ${JSON.stringify(dotted)}`);
  return { in: where, name: where === 'headers' ? name.toLowerCase() : name };
}

/** The error payload's fields: `$error.<property>` or a constant, each at its dotted path. */
export function errorFields(fields: Readonly<Record<string, Value>>): ErrorField[] {
  return Object.entries(fields).map(([dotted, value]) => {
    const path = dotted.split('.');
    if (typeof value !== 'string' || !value.startsWith('$')) return { path, value };
    const property = value.slice('$error.'.length) as keyof Failure;
    if (!value.startsWith('$error.') || !FAILURE_FIELDS.includes(property)) {
      throw new Error(`${value} cannot be used in an error payload (use $error.${FAILURE_FIELDS.join('|')})`);
    }
    return { path, failure: property };
  });
}

/** The runtime's description of one namespace of a protocol (without the generated typed context). */
export function namespaceSpecOf(model: ProtocolModel, ns: NamespaceModel): NamespaceSpec {
  const x = ns.socketio;
  const errorKey = refName(x.errors.message.$ref);
  const errorEvent = eventsOf(ns, 'server').find((e) => e.key === errorKey);
  if (!errorEvent) throw new Error(`${model.protocol}: the error message ${x.errors.message.$ref} is not sent on ${ns.path}`);
  const h = x.handshake;
  const online = x.requires?.find((r) => r.check === 'online');
  return {
    protocol: model.protocol,
    path: ns.path,
    events: eventsOf(ns, 'client').map((e) => ({ wire: e.name, method: methodName(e.name), actor: actorPaths(e), ack: e.ack !== undefined, sequence: sequenceOf(model, e) })),
    tokenSources: (h.jwt?.token ?? []).map(credentialSource),
    ...(h.trust?.userId ? { trustSource: credentialSource(h.trust.userId) } : {}),
    ...(h.trust?.announce ? { announce: { event: h.trust.announce.event, path: h.trust.announce.path.split('.') } } : {}),
    onFailure: h.onFailure,
    ...(h.roles ? { roles: { attribute: h.roles.attribute, allowed: h.roles.allowed, counterpart: h.roles.counterpart ?? {} } } : {}),
    ...(online ? { requiresOnline: { kind: online.error.kind, message: online.error.message ?? REQUIRES_ONLINE_MESSAGE } } : {}),
    errorEvent: errorEvent.name,
    errorFields: errorFields(x.errors.fields),
  };
}
