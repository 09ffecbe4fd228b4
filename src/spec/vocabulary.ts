/**
 * TypeScript shapes of Parley's AsyncAPI extensions (asyncapi/CONVENTIONS.md). The JSON Schema
 * in asyncapi/x-socketio.schema.json is what checks a spec; these types are what code reads
 * after that check passed.
 */
import type { ErrorKind } from '../runtime/errors.js';

export type Expression = string;
export type Value = Expression | string | number | boolean | null | unknown[] | Record<string, unknown>;

export interface Ref {
  $ref: string;
}

// The error kinds and their statuses (CONVENTIONS.md §5) are the runtime's: one list for the
// specs, the core and every generated server.
export { ERROR_STATUS, type ErrorKind } from '../runtime/errors.js';

export interface ErrorOverride {
  kind: ErrorKind;
  message?: string;
}

export type RecipientKeyword =
  | 'socket'
  | 'actor'
  | 'conversation'
  | 'others'
  | 'counterparts'
  | 'pendingSenders'
  | 'namespace';
export type Recipient = RecipientKeyword | { user: Expression };

export type ConditionKeyword = 'conversationNew' | 'conversationExists' | 'firstConnection' | 'lastDisconnection';
export type Condition = ConditionKeyword | { online: Expression } | { offline: Expression };

export interface Emit {
  message: Ref;
  to: Recipient | Recipient[];
  when?: Condition | Condition[];
  fields?: Record<string, Value>;
  params?: Record<string, Expression>;
  description?: string;
}

export type EffectKeyword = 'joinConversation' | 'joinConversations' | 'markDelivered' | 'read';
export type Effect =
  | EffectKeyword
  | { storeMessage: { text?: Value; clientId?: Expression; media?: Value; replyTo?: Value; kind?: Value } }
  | { storeMedia: { bytes: Expression; mimeType: Expression; clientId?: Expression } }
  | { deleteMessage: { message: Expression } }
  | { editMessage: { message: Expression; text: Expression } }
  | { markRead: { message?: Expression; upTo?: Expression } }
  | { pinMessage: { message: Expression; pinned: Value } }
  | { createConversation: { name?: Value; participants: Value; image?: Value; id?: Value } };

export type ConversationRef =
  | { id: Expression }
  | { kind: 'direct' | 'group' | 'product'; participants: Expression[] | Expression; scope?: Expression[]; create?: boolean };

export type GuardCheck =
  | 'participant'
  | { messageInConversation: Expression }
  | { messageSender: Expression }
  | { distinctUsers: Expression[] };
export type Guard = GuardCheck | { check: GuardCheck; error: ErrorOverride };

export interface ReceiveOperationExt {
  actor?: Expression | Expression[];
  conversation?: ConversationRef | ConversationRef[];
  guards?: Guard[];
  effect?: Effect;
  emits: Emit[];
}

export type LifecycleEntry = Emit | { effect: Effect; description?: string };

export interface HandshakeExt {
  jwt?: {
    token: string[];
    algorithms: string[];
    claims: Ref;
    userId: string;
    attributes?: Record<string, string>;
  };
  trust?: {
    userId?: string;
    announce?: { event: string; path: string };
    attributes?: Record<string, string>;
  };
  roles?: { attribute: string; allowed: string[]; counterpart?: Record<string, string> };
  onFailure: 'connectError' | 'errorEvent';
}

export interface ChannelExt {
  handshake: HandshakeExt;
  presence?: string;
  requires?: { check: 'online'; error: ErrorOverride }[];
  errors: { message: Ref; fields: Record<string, Value> };
  onConnect?: LifecycleEntry[];
  onDisconnect?: LifecycleEntry[];
  engineIO3?: boolean;
}

export interface MessageExt {
  parameters?: Record<string, Record<string, unknown>>;
}

export interface EntityExt {
  kind: 'message' | 'conversation';
  id: string;
  conversation?: string;
}

/** Normalizes a one-or-many value to a list. */
export function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Whether a value is an expression (a string starting with `$`). */
export function isExpression(value: unknown): value is Expression {
  return typeof value === 'string' && value.startsWith('$');
}
