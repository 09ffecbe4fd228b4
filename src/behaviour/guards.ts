/**
 * Guards (CONVENTIONS.md §3.2): checks before any effect, in order; the first that fails becomes
 * the protocol's error event and nothing else happens. A stateless state knows no messages and
 * no members, so only `distinctUsers` is checked there.
 */
import { ProtocolError, type ErrorKind } from '../runtime/errors.js';
import type { Guard } from '../spec/vocabulary.js';
import type { Resolution } from './conversations.js';
import { compileUsers, compileValue, requestPath } from './expressions.js';
import type { Scope } from './scope.js';
import type { BehaviourState, Records } from './state.js';

/** Throws the first failing guard's {@link ProtocolError}. */
export type CompiledGuard = <R extends Records>(scope: Scope<R>, resolution: Resolution<R>, state: BehaviourState<R>) => void;

const fieldOf = (expr: unknown): string | undefined => requestPath(expr)?.join('.');

function fail(kind: ErrorKind, message: string, override: { kind: ErrorKind; message?: string } | undefined, field?: string): never {
  throw new ProtocolError(override?.kind ?? kind, override?.message ?? message, field);
}

export function compileGuards(guards: readonly Guard[] | undefined): CompiledGuard {
  const parts: CompiledGuard[] = (guards ?? []).map((g): CompiledGuard => {
    const check = typeof g === 'object' && 'check' in g ? g.check : g;
    const override = typeof g === 'object' && 'check' in g ? g.error : undefined;
    if (check === 'participant') {
      return (s, r, state) => {
        if (state.stateless) return;
        if (r.conversation) {
          if (!r.conversation.participants.includes(s.actor.key)) fail('forbidden', 'You are not a participant of this conversation', override);
        } else if (r.named && !(r.missing?.create ?? false)) {
          fail('notFound', 'Conversation not found', override);
        }
      };
    }
    if ('messageInConversation' in check) {
      const id = compileValue(check.messageInConversation);
      const field = fieldOf(check.messageInConversation);
      return (s, r, state) => {
        if (state.stateless) return;
        const m = state.message(String(id(s)));
        if (!m || m.deleted || m.conversationId !== r.conversation?.id) fail('notFound', 'Message not found in this conversation', override, field);
      };
    }
    if ('messageSender' in check) {
      const id = compileValue(check.messageSender);
      const field = fieldOf(check.messageSender);
      return (s, _r, state) => {
        if (state.stateless) return;
        const m = state.message(String(id(s)));
        if (m && m.sender !== s.actor.key) fail('forbidden', 'Only the sender of this message may do this', override, field);
      };
    }
    const users = check.distinctUsers.map((u) => compileUsers(u));
    return (s) => {
      const keys = users.flatMap((u) => u(s));
      if (new Set(keys).size < keys.length) fail('invalidRequest', 'The users must be different (you cannot message yourself)', override);
    };
  });
  return (s, r, state) => {
    for (const p of parts) p(s, r, state);
  };
}
