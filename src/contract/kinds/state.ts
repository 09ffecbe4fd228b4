/** The state cases: what a user made shows in their later lists, and what they deleted does not (CONVENTIONS.md §7). */
import { asList } from '../../spec/vocabulary.js';
import type { CaseSpec } from '../cases.js';
import { objectsAt } from '../../spec/paths.js';
import { entityPlaces, isList } from '../lists.js';
import { Skip, type CaseRunner } from '../runner.js';
import { Mismatch } from '../scenario.js';

/**
 * The user's conversation and message show in the lists an event (or connecting) brings; after
 * the message is deleted, it no longer does.
 */
export async function stateCase(runner: CaseRunner, c: CaseSpec): Promise<string> {
  const { sc, actor, peer } = await runner.scenario({ actorTabs: 1, peer: true, outsider: false });
  try {
    const { conversation, message } = await runner.prepare(sc, actor, peer, true);
    if (!conversation || !message) throw new Skip('setting up: no conversation with a message of the actor');
    const look = async (): Promise<{ namespace: string; event: string; payload: unknown }[]> => {
      if (!c.plan) {
        const tab = await sc.open(actor);
        const seen = [...tab.sockets.values()].flatMap((s) => (sc.lastReceived.get(s.id) ?? []).map((r) => ({ namespace: s.namespace, ...r })));
        await sc.close(tab);
        return seen;
      }
      const from = sc.tabs.find((t) => t.user === actor)!.socket(c.namespace)!;
      await runner.step(sc, c.plan, c.namespace, { actor, peer, conversation, message, unique: runner.next() }, from);
      return (sc.lastReceived.get(from.id) ?? []).map((r) => ({ namespace: c.namespace, ...r }));
    };
    // An event about the conversation (its history) must list the message; any other list only
    // where it lists messages of the conversation at all (a list of what is pending for the
    // user is not a history).
    const about = c.plan !== undefined && asList(c.plan.event.reaction?.conversation).length > 0;
    const inspect = (seen: readonly { namespace: string; event: string; payload: unknown }[], deleted: boolean): { lists: number; problems: string[] } => {
      let lists = 0;
      const problems: string[] = [];
      const same = (a: unknown, b: unknown) => a !== undefined && a !== null && String(a) === String(b);
      for (const r of seen) {
        const model = runner.plan.namespace(r.namespace)?.model.events.find((e) => e.direction === 'server' && e.name === r.event);
        if (!model) continue;
        for (const place of entityPlaces(runner.plan.model, model.payload).filter(isList)) {
          const objects = objectsAt(r.payload, place.path);
          const where = `${r.event}.${place.path.join('.')}`;
          if (place.kind === 'conversation') {
            lists++;
            const ours = objects.find((o) => same(o[place.entity.id], conversation.id));
            if (!ours) {
              problems.push(`${where} does not list the conversation ${conversation.id} the user has`);
              continue;
            }
            // A message a conversation holds on its own (not in a list) is its latest (CONVENTIONS.md §7).
            for (const inner of entityPlaces(runner.plan.model, place.schema).filter((p) => p.kind === 'message' && p.path.length > 0 && !isList(p))) {
              const latest = objectsAt(ours, inner.path)[0]?.[inner.entity.id];
              if (!deleted && !same(latest, message.id)) problems.push(`${where}: the conversation's ${inner.path.join('.')} is ${JSON.stringify(latest)}, not its latest message ${message.id}`);
              if (deleted && same(latest, message.id)) problems.push(`${where}: the conversation's ${inner.path.join('.')} is still ${message.id}, deleted`);
            }
            continue;
          }
          const field = place.entity.conversation;
          const mine = field ? objects.filter((o) => same(o[field], conversation.id)) : objects;
          if (!about && (!field || mine.length === 0)) continue;
          lists++;
          const listed = mine.some((o) => same(o[place.entity.id], message.id));
          if (!deleted && !listed) problems.push(`${where} lists the messages of ${conversation.id} without its latest, ${message.id}`);
          if (deleted && listed) problems.push(`${where} still lists ${message.id}, deleted`);
        }
      }
      return { lists, problems };
    };
    const before = inspect(await look(), false);
    if (before.problems.length) throw new Mismatch(before.problems.join('\n'), []);
    if (before.lists === 0) throw new Skip(`${c.event} brought no list of conversations or messages to look into`);
    const remover = runner.events().find((e) => typeof e.plan.event.reaction?.effect === 'object' && 'deleteMessage' in e.plan.event.reaction.effect && sc.tabs[0]!.socket(e.ns));
    if (!remover) return `${c.event}'s lists show the user's conversation and message (the spec deletes no messages)`;
    await runner.guarded('deleting the message', () => runner.step(sc, remover.plan, remover.ns, { actor, peer, conversation, message, unique: runner.next() }, sc.tabs[0]!.socket(remover.ns)!));
    const after = inspect(await look(), true);
    if (after.problems.length) throw new Mismatch(after.problems.join('\n'), []);
    return `${c.event}'s lists show the user's conversation and message, and not the message once deleted`;
  } finally {
    runner.absorb(sc);
    sc.closeAll();
  }
}

