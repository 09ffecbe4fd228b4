/**
 * What the behaviour model needs of a state, and nothing more: the model decides what happens
 * on an event (which conversation, which guard fails, which effect, which emits to whom); a
 * state says what exists. The mock implements it over memory; a contract test over what it saw.
 */

/** A user as the model names them: the id, or `role:id` where the protocol has roles. */
export type UserKey = string;
export type ConversationKind = 'direct' | 'group' | 'product';

export interface ConversationView {
  readonly id: string;
  readonly kind: ConversationKind;
  readonly participants: readonly UserKey[];
}

export interface MessageView {
  readonly id: string;
  readonly conversationId: string;
  readonly sender: UserKey;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  readonly deleted?: boolean;
}

/** The kinds of records a state keeps; a state's own records may carry more. */
export interface Records {
  readonly conversation: ConversationView;
  readonly message: MessageView;
}

/** A conversation to create; the state gives it an id unless the request named one. */
export interface NewConversation {
  readonly id?: string;
  readonly kind: ConversationKind;
  readonly participants: readonly UserKey[];
  readonly scope?: readonly unknown[];
  readonly name?: string;
  readonly image?: string;
  readonly creator?: UserKey;
  /** The request that creates it (a state may remember some of its fields). */
  readonly request: unknown;
}

/** A message to store; the state gives it an id and a time. */
export interface NewMessage<C extends ConversationView> {
  readonly conversation: C;
  readonly sender: UserKey;
  readonly text?: string;
  readonly kind?: unknown;
  readonly media?: unknown;
  readonly replyTo?: unknown;
  readonly clientId?: unknown;
  /** Bytes and their type, for `storeMedia`. */
  readonly file?: { readonly bytes: Uint8Array; readonly mimeType: string };
  /** The request that stores it, and where its text is (a state may remember fields beside it). */
  readonly request: unknown;
  readonly textPath?: readonly (string | number)[];
  /** The presence namespace, for who was online when it was stored. */
  readonly presenceNamespace: string;
}

export interface BehaviourState<R extends Records = Records> {
  /** A state that remembers nothing between events: any conversation named by id exists, with the actor in it. */
  readonly stateless: boolean;
  /** Now, in milliseconds since the epoch. */
  now(): number;
  /** The key of a user id written in a request, for an actor of this role (its counterpart role, with roles). */
  keyOf(id: unknown, actorRole?: string): UserKey;
  /** A user key's id as the protocol writes it (a number where ids are integers). */
  idOf(key: UserKey): string | number;
  /** Whether a user has a socket in a namespace. */
  isOnline(key: UserKey, namespace: string): boolean;

  conversation(id: string): R['conversation'] | undefined;
  findConversation(kind: ConversationKind, participants: readonly UserKey[], scope: readonly unknown[]): R['conversation'] | undefined;
  conversationsOf(key: UserKey): readonly R['conversation'][];
  createConversation(conversation: NewConversation): R['conversation'];

  message(id: string): R['message'] | undefined;
  messageByClientId(conversationId: string, sender: UserKey, clientId: unknown): R['message'] | undefined;
  storeMessage(message: NewMessage<R['conversation']>): R['message'];
  deleteMessage(message: R['message']): void;
  editMessage(message: R['message'], text: string | undefined): void;
  markRead(conversation: R['conversation'], reader: UserKey, at: { message?: R['message']; upTo?: R['message'] }): void;
  pin(conversation: R['conversation'], message: R['message'], pinned: boolean): void;
  /** Whether storing a message created its conversation (a retry of it repeats `conversationNew`). */
  openedConversation(message: R['message']): boolean;
  /** Whether a message has been delivered to a user (its stored delivery state). */
  deliveredTo(message: R['message'], key: UserKey): boolean;
  /** Whether a message holds a file (`storeMedia`) rather than text. */
  isFile(message: R['message']): boolean;
  /** Marks what was pending for a user delivered; returns the senders of those messages. */
  markDelivered(reader: UserKey): ReadonlySet<UserKey>;
  unreadIn(conversationId: string, key: UserKey): number;
  unreadTotal(key: UserKey): number;
}
