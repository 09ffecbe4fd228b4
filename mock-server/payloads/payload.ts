/**
 * Building one server event's payload: a generated base (the spec's examples first), the
 * request's correlated fields carried over, the entities in it shown from the state (the
 * message just stored, the conversation, the user's list of chats…), and the emit's `fields`
 * set last, so that what the spec says always wins. Compiled once per emit.
 */
import type { EventModel } from '../../src/spec/model.js';
import type { MockContext } from '../context.js';
import { isUserSchema, locateEntities, type EntityLocation, type EntityPlan } from '../spec/entities.js';
import { refName, type SchemaIndex } from '../spec/schemas.js';
import { compileValue, type Evaluator, type Scope } from '../../src/behaviour/index.js';
import { fits } from './fits.js';
import { clone, getPath, parsePath, setPath, type Fill, type Path, type Segment } from '../../src/spec/paths.js';
import type { Renderer, View } from './render.js';
import type { MockRecords } from '../state/world.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

interface CompiledField {
  readonly path: Path;
  readonly value: Evaluator;
}

interface Located extends EntityLocation {
  /** Which record the emit's fields say this entity is. */
  readonly identity?: 'message' | 'conversation';
}

export interface PayloadPlan {
  readonly event: EventModel;
  readonly namespace: string;
  /** The payload for a scope, seen by a viewer; valid against the event's schema. */
  build(scope: Scope<MockRecords>, renderer: Renderer, view: View): unknown;
  /** Whether the payload depends on who receives it (lists, unread counts, names…). */
  readonly viewerDependent: boolean;
}

/**
 * Lists of users outside entities (`online_status_show`): the viewer's online co-participants.
 * Paths of arrays of user objects that are not inside an entity.
 */
function locateUserLists(index: SchemaIndex, plans: ReadonlyMap<string, EntityPlan>, schema: unknown, path: Segment[] = [], depth = 0): Segment[][] {
  if (schema === undefined || depth > 5) return [];
  const name = (schema as { $ref?: string }).$ref?.split('/').pop();
  if (name && plans.has(name)) return [];
  if (index.isArray(schema)) return isUserSchema(index, index.items(schema)) ? [path] : [];
  if (!index.isObject(schema)) return [];
  return Object.entries(index.properties(schema)).flatMap(([k, s]) => locateUserLists(index, plans, s, [...path, k], depth + 1));
}

/**
 * Compiles the payload of a server event.
 * @param fields the emit's `fields` (dotted paths to expressions or literals)
 * @param requestSchema the schema of the client event's payload, for carrying fields over
 */
export function compilePayload(ctx: MockContext, event: EventModel, namespace: string, fields: Readonly<Record<string, unknown>> = {}, requestSchema?: unknown): PayloadPlan {
  const index = ctx.spec.index;
  const validate = (payload: unknown) => ctx.spec.validate(namespace, 'server', event.name, payload);
  const baseKey = ctx.factory.forEvent(event, namespace, (p) => validate(p).length === 0);
  const compiled: CompiledField[] = Object.entries(fields).map(([dotted, v]) => ({ path: parsePath(dotted), value: compileValue(v) }));

  const locations: Located[] = locateEntities(index, ctx.plans, event.payload).map((loc) => {
    const idPath = loc.list ? [...loc.path, 0, loc.plan.idProp] : [...loc.path, loc.plan.idProp];
    const field = Object.entries(fields).find(([dotted]) => dotted === idPath.join('.'));
    const identity = field?.[1] === '$message.id' ? 'message' : field?.[1] === '$conversation.id' ? 'conversation' : undefined;
    return { ...loc, identity };
  });
  const rootIsEntity = locations.some((l) => l.path.length === 0 && !l.list);
  const rootIdentity = locations.find((l) => l.path.length === 0 && !l.list)?.identity;
  const rootIdentified = rootIdentity !== undefined;
  const userLists = locateUserLists(index, ctx.plans, event.payload).filter((p) => !Object.keys(fields).some((f) => f.startsWith(p.join('.'))));

  // Correlated fields: a field of the payload's top level with the name and the type of a request field.
  const carry: { prop: string; schema: unknown }[] = [];
  if (requestSchema !== undefined && !rootIsEntity && index.isObject(event.payload)) {
    const requestProps = index.properties(requestSchema);
    for (const [prop, schema] of Object.entries(index.properties(event.payload))) {
      if (requestProps[prop] === undefined || fields[prop] !== undefined) continue;
      if (locations.some((l) => l.path[0] === prop)) continue;
      carry.push({ prop, schema });
    }
  }

  // A missing container on a field's way is a whole item of its schema, not an empty object.
  const fill: Fill = (pathToMissing: Path, next: Segment | undefined) => {
    const schema = index.at(event.payload, pathToMissing);
    if (schema !== undefined && (index.isObject(schema) || index.isArray(schema))) {
      const v = ctx.factory.sample(ctx.factory.forSchema(schema), ctx.rng);
      if (v !== undefined && typeof v === 'object') return v;
    }
    return typeof next === 'number' ? [] : {};
  };

  // A payload is built once per receiving user only where it differs between them: lists (theirs),
  // unread counts, a two-person conversation's name and picture (the other participant's).
  const planDependsOnViewer = (plan: EntityPlan, depth = 0): boolean =>
    plan.roles.some((r) => {
      if (r.role === 'unread' || r.role === 'name' || r.role === 'image') return true;
      if ((r.role === 'messages' || r.role === 'lastMessage') && depth < 2) {
        const nested = ctx.plans.get(refName(r.role === 'messages' ? index.items(r.schema) : r.schema) ?? '');
        return nested ? planDependsOnViewer(nested, depth + 1) : false;
      }
      return false;
    });
  const viewerDependent =
    locations.some((l) => l.list || planDependsOnViewer(l.plan)) ||
    userLists.length > 0 ||
    Object.values(fields).some((v) => typeof v === 'string' && (v.startsWith('$recipient') || v === '$conversation.unread' || v === '$unread.total'));

  return {
    event,
    namespace,
    viewerDependent,
    build(scope, renderer, view) {
      // A payload that is an entity the fields identify is shown from the state: no base needed.
      const rootRecord = rootIdentified ? (rootIdentity === 'message' ? scope.message : scope.conversation) : undefined;
      let payload: unknown = rootRecord ? {} : ctx.factory.sample(baseKey, ctx.rng);
      if (payload === undefined) payload = index.isArray(event.payload) ? [] : {};
      if (isObj(payload)) {
        for (const { prop, schema } of carry) {
          const v = getPath(scope.request, [prop]);
          if (v !== undefined && fits(index, schema, v)) payload[prop] = clone(v);
        }
      }
      for (const loc of locations) {
        if (!loc.list) {
          const record = loc.identity === 'message' ? scope.message : loc.identity === 'conversation' ? scope.conversation : undefined;
          if (!record) continue;
          const shown = renderer.entity(loc.plan, record, view);
          if (loc.path.length === 0) payload = shown;
          else setPath(payload as Obj, loc.path, shown, fill);
          continue;
        }
        let list: unknown[];
        if (loc.identity) {
          const record = loc.identity === 'message' ? scope.message : scope.conversation;
          if (!record) continue;
          list = [renderer.entity(loc.plan, record, view)];
        } else {
          const schema = index.at(event.payload, loc.path);
          const max = Number(index.resolve(schema).maxItems ?? 50);
          list = renderer.list(loc.plan, view, index.items(schema), max);
        }
        if (loc.path.length === 0) payload = list;
        else setPath(payload as Obj, loc.path, list, fill);
      }
      for (const path of userLists) {
        const schema = index.at(event.payload, path);
        const list = renderer.onlineCoParticipants(view, index.items(schema), Number(index.resolve(schema).maxItems ?? 100));
        if (path.length === 0) payload = list;
        else setPath(payload as Obj, path, list, fill);
      }
      for (const f of compiled) {
        const value = f.value(scope);
        if (f.path.length === 0) payload = clone(value);
        else setPath(payload as Obj, f.path, clone(value), fill);
      }
      payload = repair(payload, validate, ctx, event, fill, baseKey);
      if (!ctx.settings.stateless) {
        for (const loc of locations) {
          if (loc.list || !loc.identity) continue;
          const record = loc.identity === 'message' ? scope.message : scope.conversation;
          const shown = loc.path.length ? getPath(payload, loc.path) : payload;
          // A conversation is remembered as first sent (what it is); what changes since (its last
          // message, unread counts…) is shown from the state. Messages are shown from the state alone.
          if (record && 'snapshots' in record && isObj(shown) && !record.snapshots.has(loc.plan.name)) record.snapshots.set(loc.plan.name, clone(shown));
        }
      }
      return payload;
    },
  };
}

/**
 * Makes a payload valid if something carried over or shown from the state does not fit: the
 * field at fault gets a generated value of its own schema (or goes, when optional). Never
 * needed for the project's specs (the tests check it); a safety net for other specs.
 */
function repair(payload: unknown, validate: (p: unknown) => readonly { field: string; message: string }[], ctx: MockContext, event: EventModel, fill: Fill, baseKey: string): unknown {
  for (let attempt = 0; attempt < 8; attempt++) {
    const problems = validate(payload);
    if (problems.length === 0) return payload;
    const problem = problems[0]!;
    if (attempt === 0) ctx.logger.debug({ event: event.name, problem: problem.message }, 'repairing a generated payload');
    const path = parsePath(problem.field);
    if (path.length === 0 || /is not allowed/.test(problem.message)) {
      if (path.length === 0) return ctx.factory.sample(baseKey, ctx.rng) ?? payload;
      const parent = getPath(payload, path.slice(0, -1));
      if (isObj(parent)) delete parent[String(path[path.length - 1])];
      continue;
    }
    const schema = ctx.spec.index.at(event.payload, path);
    const replacement = schema === undefined ? undefined : ctx.factory.sample(ctx.factory.forSchema(schema), ctx.rng);
    setPath(payload as Obj, path, replacement, fill);
  }
  ctx.logger.warn({ event: event.name, problems: validate(payload) }, 'a generated payload is not valid');
  return payload;
}
