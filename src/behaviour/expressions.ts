/**
 * The expressions of CONVENTIONS.md §4.3 (`$request.message.sender_id`, `$actor.id`,
 * `$conversation.unread`…), compiled once per spec into functions of a {@link Scope}. Anything
 * not starting with `$` is a literal; a list is a list of values.
 */
import { getPath, parsePath, type Segment } from '../spec/paths.js';
import type { Scope } from './scope.js';
import type { UserKey } from './state.js';

export type Evaluator = (scope: Scope) => unknown;

export class ExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionError';
  }
}

const viewer = (s: Scope): UserKey => s.recipient?.key ?? s.actor.key;

/** Compiles one value of a spec (an expression, a literal, or a list of them). */
export function compileValue(value: unknown): Evaluator {
  if (Array.isArray(value)) {
    const parts = value.map(compileValue);
    return (s) => parts.map((p) => p(s));
  }
  if (typeof value !== 'string' || !value.startsWith('$')) return () => value;
  const [head, ...rest] = value.split('.');
  const path = parsePath(rest.join('.'));
  switch (head) {
    case '$request':
      return path.length === 0 ? (s) => s.request : (s) => getPath(s.request, path);
    case '$actor':
      if (rest[0] === 'id') return (s) => s.actor.id;
      return (s) => getPath(s.actor.attributes, path);
    case '$recipient':
      if (rest[0] !== 'id') throw new ExpressionError(`unknown expression ${value}`);
      return (s) => s.recipient?.id;
    case '$conversation':
      if (rest[0] === 'id') return (s) => s.conversation?.id;
      if (rest[0] === 'unread') return (s) => (s.conversation ? s.unreadIn(s.conversation.id, viewer(s)) : 0);
      throw new ExpressionError(`unknown expression ${value}`);
    case '$unread':
      if (rest[0] !== 'total') throw new ExpressionError(`unknown expression ${value}`);
      return (s) => s.unreadTotal(viewer(s));
    case '$message':
      if (rest[0] === 'id') return (s) => s.message?.id;
      if (rest[0] === 'createdAt') return (s) => (s.message ? new Date(s.message.createdAt).toISOString() : undefined);
      throw new ExpressionError(`unknown expression ${value}`);
    case '$now':
      return (s) => s.now;
    case '$error':
      return (s) => (s.error ? (s.error as unknown as Record<string, unknown>)[rest[0] ?? ''] : undefined);
    default:
      throw new ExpressionError(`unknown expression ${value}`);
  }
}

/** Whether an expression's value depends on who receives the emit. */
export function dependsOnRecipient(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(dependsOnRecipient);
  return typeof value === 'string' && (value.startsWith('$recipient') || value === '$conversation.unread' || value === '$unread.total');
}

/** The key of a user object that holds its id (`user_id`, `uid`, `_id`…). */
export function userIdKey(obj: Readonly<Record<string, unknown>>): string | undefined {
  return Object.keys(obj).find((k) => /^(user_?id|userid|uid|id|_id)$/i.test(k));
}

/** The id inside a user object (`{ user_id, name }`), or the value itself. */
export function userIdIn(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const obj = value as Record<string, unknown>;
  const key = userIdKey(obj);
  return key === undefined ? undefined : obj[key];
}

/**
 * Compiles a value that names users (recipients, participants, conditions) into the user keys
 * it names: `$actor.id` is the actor, `$recipient.id` the recipient, anything else a user id (or
 * a list of them, or user objects) of the actor's counterpart role.
 */
export function compileUsers(value: unknown): (scope: Scope) => UserKey[] {
  if (Array.isArray(value)) {
    const parts = value.map(compileUsers);
    return (s) => parts.flatMap((p) => p(s));
  }
  if (value === '$actor.id') return (s) => [s.actor.key];
  if (value === '$recipient.id') return (s) => (s.recipient ? [s.recipient.key] : []);
  const evaluate = compileValue(value);
  return (s) => {
    const v = evaluate(s);
    const list = Array.isArray(v) ? v : [v];
    const out: UserKey[] = [];
    for (const item of list) {
      const id = userIdIn(item);
      if (id === undefined || id === null || id === '') continue;
      out.push(s.keyOf(id));
    }
    return out;
  };
}

/** The request path of a `$request.…` expression, or undefined. */
export function requestPath(value: unknown): Segment[] | undefined {
  if (typeof value !== 'string' || (value !== '$request' && !value.startsWith('$request.'))) return undefined;
  return parsePath(value.slice('$request'.length).replace(/^\./, ''));
}

/** The request paths a value's `$request.…` expressions read (a list's, in order). */
export function requestPathsIn(value: unknown): Segment[][] {
  if (Array.isArray(value)) return value.flatMap(requestPathsIn);
  const path = requestPath(value);
  return path ? [path] : [];
}
