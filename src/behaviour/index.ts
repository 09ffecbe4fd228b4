/**
 * The behaviour model: a spec's `x-socketio` compiled into an executable plan (see plan.ts). The
 * mock runs it over its in-memory state; contract tests run it as the oracle of any server.
 */
export { compileBehaviour, type BehaviourPlan, type Deliver, type EventPlan, type LifecyclePlan, type NamespacePlan, type RunEnv } from './plan.js';
export type { EmitPlan, FieldPlan } from './emits.js';
export type { Delivery, SocketDirectory } from './recipients.js';
export { newScope, type Actor, type Scope } from './scope.js';
export { compileValue, compileUsers, dependsOnRecipient, requestPath, requestPathsIn, userIdIn, userIdKey, ExpressionError, type Evaluator } from './expressions.js';
export type { BehaviourState, ConversationKind, ConversationView, MessageView, NewConversation, NewMessage, Records, UserKey } from './state.js';
