/**
 * Chatter: fake peers doing what real ones do, so that a UI gets the server events it must
 * handle without a second person at the keyboard. A peer "sends" a client event of the spec
 * (a message, a typing notice, a read receipt) in a conversation with a connected user, and the
 * mock answers it exactly as it answers a real client; or a peer comes online or goes offline,
 * and the lifecycle's emits follow. At `rate` actions per second per connected user.
 */
import { ProtocolError } from '../../src/runtime/errors.js';
import type { EventModel } from '../../src/spec/model.js';
import { asList } from '../../src/spec/vocabulary.js';
import type { MockProtocol } from '../protocol.js';
import type { MockNamespace } from '../transport/namespace.js';
import { Renderer } from '../payloads/render.js';
import { fakeRequest } from '../payloads/requests.js';
import type { ConversationRecord, UserKey } from '../state/state.js';

type Action = 'message' | 'typing' | 'read' | 'presence';

interface Candidate {
  readonly ns: MockNamespace;
  readonly event: EventModel;
}

const effectName = (e: EventModel): string | undefined => {
  const effect = e.reaction?.effect;
  return typeof effect === 'string' ? effect : effect ? Object.keys(effect)[0] : undefined;
};

export class Chatter {
  private timer?: NodeJS.Timeout;
  private readonly candidates: Record<Exclude<Action, 'presence'>, Candidate[]> = { message: [], typing: [], read: [] };
  private readonly lifecycle: MockNamespace[];
  /** Counts of what the chatter did, for the control API. */
  readonly done: Record<Action | 'failed', number> = { message: 0, typing: 0, read: 0, presence: 0, failed: 0 };

  constructor(private readonly protocol: MockProtocol) {
    for (const ns of protocol.namespaces.values()) {
      for (const e of ns.model.events) {
        if (e.direction !== 'client' || !e.reaction) continue;
        const effect = effectName(e);
        const hasConversation = asList(e.reaction.conversation).length > 0;
        const fansOut = e.reaction.emits.some((x) => asList(x.to).some((t) => t !== 'socket' && t !== 'actor'));
        if (effect === 'storeMessage' && hasConversation) this.candidates.message.push({ ns, event: e });
        else if (effect === 'read' && hasConversation && fansOut) this.candidates.typing.push({ ns, event: e });
        else if (effect === 'markRead' && hasConversation && fansOut) this.candidates.read.push({ ns, event: e });
      }
    }
    this.lifecycle = [...protocol.namespaces.values()].filter((ns) => ns.hasLifecycle);
  }

  /** Starts (or changes the rate of) the chatter; 0 stops it. */
  setRate(rate: number): void {
    this.stop();
    this.protocol.ctx.settings.chatter = rate;
    if (rate <= 0) return;
    this.timer = setInterval(() => this.tick(), Math.max(10, Math.round(1000 / rate)));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One round: one action per connected user. */
  tick(): void {
    for (const user of this.protocol.connectedUsers()) {
      try {
        this.act(user);
      } catch (err) {
        this.done.failed++;
        if (!(err instanceof ProtocolError)) this.protocol.ctx.logger.warn({ err, user }, 'chatter failed');
      }
    }
  }

  private actions(): Action[] {
    const out: Action[] = [];
    if (this.candidates.message.length) out.push('message', 'message', 'message');
    if (this.candidates.typing.length) out.push('typing', 'typing');
    if (this.candidates.read.length) out.push('read');
    if (this.lifecycle.length) out.push('presence');
    return out;
  }

  /** A conversation of `user` with a fake peer, if there is one. */
  private conversationWithPeer(user: UserKey): ConversationRecord | undefined {
    const ctx = this.protocol.ctx;
    const store = ctx.store;
    const withPeer = store.conversationsOf(user).filter((c) => c.participants.some((p) => store.users.get(p)?.fake));
    return withPeer.length ? ctx.rng.pick(withPeer.slice(0, 5)) : undefined;
  }

  /** A new fake peer starts a conversation with `user` by sending a first message, where the protocol allows it. */
  private firstMessage(user: UserKey): boolean {
    const ctx = this.protocol.ctx;
    const starter = this.candidates.message.find((c) => asList(c.event.reaction?.conversation).some((a) => 'kind' in a && a.create === true));
    if (!starter) return false;
    const role = ctx.users.roleOf(user);
    const peer = ctx.users.fakePeer(ctx.rng, ctx.facts.userIdComponent, role && ctx.users.roles ? ctx.users.roles.counterpart[role] : undefined);
    const request = fakeRequest(ctx, starter.event, { actor: peer.key, peer: user, namespace: starter.ns.path });
    if (request === undefined) return false;
    starter.ns.reactions.get(starter.event.name)!.run(request, { actor: { key: peer.key, id: peer.id, role: peer.role, attributes: {} } });
    return true;
  }

  /** Makes one fake peer of `user` do one thing. */
  act(user: UserKey, action?: Action): Action | undefined {
    const ctx = this.protocol.ctx;
    const choice = action ?? ctx.rng.pick(this.actions().length ? this.actions() : ['presence']);
    let conv = this.conversationWithPeer(user);
    if (!conv) {
      if (choice === 'message' && this.firstMessage(user)) {
        this.done.message++;
        return choice;
      }
      const kinds = ctx.facts.conversationKinds;
      if (!kinds.length) return undefined;
      conv = new Renderer(ctx, ctx.store).fakeConversation(user, kinds[0]!);
    }
    const peers = conv.participants.filter((p) => ctx.store.users.get(p)?.fake);
    const peer = ctx.rng.pick(peers);
    const actor = { key: peer, id: ctx.users.idOf(peer), role: ctx.users.roleOf(peer), attributes: {} };
    if (choice === 'presence') {
      if (!this.lifecycle.length) return undefined;
      const online = !ctx.presence.isVirtual(peer, this.lifecycle[0]!.path);
      for (const ns of this.lifecycle) ns.virtualPresence(actor, online);
      this.done.presence++;
      return choice;
    }
    const list = this.candidates[choice];
    if (!list.length) return undefined;
    const { ns, event } = ctx.rng.pick(list);
    const request = fakeRequest(ctx, event, { actor: peer, conversation: conv, namespace: ns.path });
    if (request === undefined) {
      this.done.failed++;
      return undefined;
    }
    ns.reactions.get(event.name)!.run(request, { actor });
    this.done[choice]++;
    ctx.logger.debug({ event: event.name, peer, user }, 'chatter');
    return choice;
  }
}
