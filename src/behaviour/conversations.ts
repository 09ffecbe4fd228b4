/**
 * Which conversation a client event is about (CONVENTIONS.md §3.1): named by id, or by its kind,
 * participants and scope; the first alternative whose expressions are all in the request wins.
 * Resolved before any effect, so that `conversationNew` describes the state before the event.
 */
import { getPath, type Segment } from '../spec/paths.js';
import { asList, type ConversationRef } from '../spec/vocabulary.js';
import { compileUsers, compileValue, requestPathsIn, type Evaluator } from './expressions.js';
import type { Scope } from './scope.js';
import type { BehaviourState, ConversationKind, Records, UserKey } from './state.js';

interface Alternative {
  /** The request paths its expressions read: all must be present for it to apply. */
  readonly needs: readonly Segment[][];
  readonly id?: Evaluator;
  readonly kind?: ConversationKind;
  readonly participants?: (s: Scope) => UserKey[];
  readonly scope?: readonly Evaluator[];
  readonly create: boolean;
}

/** What resolving found: the conversation, or what to create when the effect stores into it. */
export interface Resolution<R extends Records = Records> {
  readonly conversation?: R['conversation'];
  /** A conversation named by participants that does not exist yet. */
  readonly missing?: { kind: ConversationKind; participants: UserKey[]; scope: unknown[]; create: boolean };
  /** A conversation named by an id that does not exist. */
  readonly unknownId?: string;
  /** Whether the request named a conversation at all. */
  readonly named: boolean;
}

export type CompiledConversation = <R extends Records>(scope: Scope<R>, state: BehaviourState<R>) => Resolution<R>;

export function compileConversation(ref: ConversationRef | ConversationRef[] | undefined): CompiledConversation {
  const alternatives: Alternative[] = asList(ref).map((alt) => {
    if ('id' in alt) return { needs: requestPathsIn(alt.id), id: compileValue(alt.id), create: false };
    return {
      needs: [...requestPathsIn(alt.participants), ...requestPathsIn(alt.scope ?? [])],
      kind: alt.kind,
      participants: compileUsers(alt.participants),
      scope: (alt.scope ?? []).map(compileValue),
      create: alt.create === true,
    };
  });
  if (alternatives.length === 0) return () => ({ named: false });

  return (s, state) => {
    const alt = alternatives.find((a) => a.needs.every((p) => getPath(s.request, p) !== undefined)) ?? alternatives[alternatives.length - 1]!;
    if (alt.id) {
      const id = String(alt.id(s));
      const conversation = state.conversation(id);
      if (conversation) return { conversation, named: true };
      if (state.stateless) {
        // Stateless: any conversation named by id exists, with the actor in it.
        return { conversation: state.createConversation({ id, kind: 'group', participants: [s.actor.key], request: undefined }), named: true };
      }
      return { unknownId: id, named: true };
    }
    const named = alt.participants!(s);
    const participants = named.length === 2 && named[0] !== named[1] ? named : [...new Set(named)];
    const scopeValues = alt.scope!.map((e) => e(s));
    const conversation = state.findConversation(alt.kind!, participants, scopeValues);
    if (conversation) return { conversation, named: true };
    return { missing: { kind: alt.kind!, participants, scope: scopeValues, create: alt.create || state.stateless }, named: true };
  };
}
