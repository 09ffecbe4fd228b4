/** Conditions of emits (CONVENTIONS.md §4.2), compiled. All of a list must hold. */
import { asList, type Condition } from '../spec/vocabulary.js';
import { compileUsers } from './expressions.js';
import type { Scope } from './scope.js';
import type { UserKey } from './state.js';

/** `isOnline`: whether a user has a socket in the namespace's presence namespace, now. */
export type CompiledCondition = (scope: Scope, isOnline: (key: UserKey) => boolean) => boolean;

/** Compiles `when`. `conversationNew` / `conversationExists` look at the state before the event. */
export function compileConditions(when: Condition | Condition[] | undefined): CompiledCondition {
  const parts = asList(when).map((c): CompiledCondition => {
    if (typeof c === 'object') {
      if ('online' in c) {
        const users = compileUsers(c.online);
        return (s, isOnline) => {
          const keys = users(s);
          return keys.length > 0 && keys.every(isOnline);
        };
      }
      const users = compileUsers(c.offline);
      return (s, isOnline) => users(s).every((k) => !isOnline(k));
    }
    switch (c) {
      case 'conversationNew':
        return (s) => s.conversation !== undefined && !s.conversationExisted;
      case 'conversationExists':
        return (s) => s.conversation !== undefined && s.conversationExisted;
      case 'firstConnection':
        return (s) => s.first === true;
      case 'lastDisconnection':
        return (s) => s.last === true;
    }
  });
  return (s, isOnline) => parts.every((p) => p(s, isOnline));
}
