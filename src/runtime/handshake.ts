// The handshake of a namespace (CONVENTIONS.md §2.1): the credential read where the spec says,
// verified by the server's `authenticate`, the role checked; a refusal is a connect_error or the
// protocol's error event, as the spec's `onFailure` says.
import type { Namespace, Socket } from 'socket.io';
import { ProtocolError, failureOf, type Failure } from './errors.js';
import { readCredential, type Handshake, type NamespaceSpec } from './namespace-spec.js';

/** Who a connection belongs to, as the server's `authenticate` establishes it. */
export interface Identity {
  readonly userId: string;
  /** Facts from the credential (display name, role…), as the spec's handshake `attributes` name them. */
  readonly attributes?: Readonly<Record<string, unknown>>;
}

/** The credential of a handshake, read from where the spec says it is. */
export interface Credential {
  readonly namespace: string;
  /** The token, from the first of the spec's token sources that is present. */
  readonly token?: string;
  /** The unverified user id of trust mode, from the spec's trust source. */
  readonly trustedUserId?: string;
  readonly handshake: Handshake;
}

/**
 * Verifies a handshake's credential. Returns the identity; throws a {@link ProtocolError}
 * (`unauthenticated`, `forbidden`) to refuse; returns null only where the spec lets an event
 * announce the user (trust mode with `announce`).
 */
export type Authenticate = (credential: Credential) => Identity | null | Promise<Identity | null>;

/** Who a connected socket is: set by the handshake, or later by an announce event. */
export interface ConnectionState {
  identity?: Identity;
  /** The user's room key: the id, or `role:id` where the protocol has roles. */
  userKey?: string;
  /** Why the handshake was refused, where the protocol tells it with its error event. */
  refused?: Failure;
}

const STATE = Symbol('parley');
type StatefulSocket = Socket & { [STATE]?: ConnectionState };

/** The state the handshake left on a socket. */
export function connectionState(socket: Socket): ConnectionState {
  return ((socket as StatefulSocket)[STATE] ??= {});
}

/** The room key of an identity: its id, or `role:id` where the protocol has roles. */
export function userKeyOf(spec: NamespaceSpec, identity: Identity): string {
  if (!spec.roles) return identity.userId;
  return `${String(identity.attributes?.[spec.roles.attribute])}:${identity.userId}`;
}

/** The namespace middleware that authenticates each handshake. */
export function authenticateHandshakes(spec: NamespaceSpec, authenticate: Authenticate, logger?: { warn(details: object, message: string): void }): Parameters<Namespace['use']>[0] {
  return async (socket, next) => {
    const h = socket.handshake;
    let identity: Identity | null;
    try {
      identity = await authenticate({
        namespace: spec.path,
        token: readCredential(spec.tokenSources, h),
        trustedUserId: spec.trustSource ? readCredential([spec.trustSource], h) : undefined,
        handshake: h,
      });
      if (identity === null && !spec.announce) throw new ProtocolError('unauthenticated', 'a credential is required');
      if (identity && spec.roles) {
        const role = identity.attributes?.[spec.roles.attribute];
        if (typeof role !== 'string' || !spec.roles.allowed.includes(role)) {
          throw new ProtocolError('forbidden', `role '${String(role)}' may not connect to ${spec.path}`);
        }
      }
    } catch (error) {
      const f = error instanceof ProtocolError ? failureOf(error.kind, error.message) : failureOf('unauthenticated', 'invalid credential');
      if (!(error instanceof ProtocolError)) logger?.warn({ err: error, namespace: spec.path }, 'authentication failed');
      if (spec.onFailure === 'connectError') {
        next(Object.assign(new Error(f.message), { data: { status: f.status, message: f.message } }));
      } else {
        // The protocol reports handshake failures with its error event: accept, tell, close.
        connectionState(socket).refused = f;
        next();
      }
      return;
    }
    if (identity) Object.assign(connectionState(socket), { identity, userKey: userKeyOf(spec, identity) });
    next();
  };
}
