/**
 * compileBehaviour over small fixture specs (test/fixtures/behaviour/): an event's run delivers
 * exactly the emits whose conditions hold, in the spec's order, with its guards first and its
 * effect before any emit; the acknowledgement's emit; the lifecycle, where `counterparts` is
 * delivered once per (conversation, counterpart) and effects run at their place; dynamic names and
 * correlated fields. Then the four project specs: every client event has a plan and every emit
 * resolves its event.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileBehaviour, newScope, type Actor, type EmitPlan, type NamespacePlan, type Scope } from '../../src/behaviour/index.js';
import { checkConventions, checkWithParser, formatDiagnostic } from '../../src/spec/check.js';
import { projectRoot } from '../../src/spec/files.js';
import { buildModel, refName, type ProtocolModel } from '../../src/spec/model.js';
import { readSpecFile } from '../../src/spec/source.js';
import { asList } from '../../src/spec/vocabulary.js';
import { loadSpec, PROTOCOLS, validPayload } from '../helpers/specs.js';
import { MemoryState, type MemoryRecords } from './memory-state.js';
import { MemorySockets, plain } from './memory-sockets.js';
import { refusal } from './refusal.js';

const fixture = (name: string) => join(projectRoot, 'test/fixtures/behaviour', name);
const modelOf = (file: string): ProtocolModel => buildModel(readSpecFile(file));

const actor = (key: string): Actor => ({ key, id: key, attributes: {} });
const ADA = actor('ada');

/** One delivered emit, as plain data: what a server would have to send. */
interface Delivered {
  event: string;
  to: Record<string, string[]>;
  /** The correlated fields, per receiving user where they depend on who receives them, else once. */
  fields: Record<string, unknown>;
  /** The conversation and recipient bound in the scope (the lifecycle's counterparts). */
  conversation?: string;
  recipient?: string;
}

function fieldsOf(emit: EmitPlan, scope: Scope): Record<string, unknown> {
  return Object.fromEntries(emit.fields.map((f) => [f.path.join('.'), f.value(scope)]));
}

/** What a deliver callback sees of an emit, read at the moment it is handed over. */
function record(emit: EmitPlan, scope: Scope, sockets: MemorySockets, socketId: string | undefined): Delivered {
  const delivery = emit.recipients(scope, sockets, socketId);
  let fields: Record<string, unknown>;
  if (emit.perRecipient && !emit.counterparts) {
    // Each receiving user's copy, with `$recipient` bound to them, as a server builds it.
    fields = {};
    for (const key of delivery.keys()) {
      scope.recipient = { key, id: key };
      fields[key] = { name: emit.name(scope), ...fieldsOf(emit, scope) };
    }
    scope.recipient = undefined;
  } else {
    fields = fieldsOf(emit, scope);
  }
  const out: Delivered = { event: emit.event.name, to: plain(delivery), fields };
  if (scope.conversation && emit.counterparts) out.conversation = scope.conversation.id;
  if (scope.recipient) out.recipient = scope.recipient.key;
  return out;
}

interface World {
  readonly state: MemoryState;
  readonly sockets: MemorySockets;
}

/** Users online have a socket each (ada two: a1, a2), in the namespace and in presence. */
function world(online: string[], options: { stateless?: boolean; presence?: string } = {}): World {
  const state = new MemoryState({ stateless: options.stateless });
  const sockets = new MemorySockets();
  for (const key of online) {
    state.setOnline(key, true, options.presence ?? '/');
    if (key === 'ada') sockets.connect('a1', 'ada').connect('a2', 'ada');
    else sockets.connect(`${key[0]}1`, key);
  }
  return { state, sockets };
}

/** Runs a client event of `ns` from socket `from` (null: a fake peer, no socket); what it delivered, in order. */
function send(ns: NamespacePlan, w: World, event: string, request: unknown, by: Actor = ADA, from: string | null = 'a1') {
  const socketId = from ?? undefined;
  const scope = newScope<MemoryRecords>(w.state, request, by);
  const delivered: Delivered[] = [];
  const joined: string[][] = [];
  const env = { state: w.state, join: (rooms: string[]) => void joined.push(rooms) };
  ns.events.get(event)!.run(scope, env, (emit) => delivered.push(record(emit, scope, w.sockets, socketId)));
  return { delivered, scope, joined };
}

/** Everything a state holds, as text. */
function snapshot(state: MemoryState): string {
  return JSON.stringify({
    conversations: [...state.conversations.values()],
    messages: [...state.messages.values()].map((m) => ({ ...m, readBy: [...m.readBy], pending: [...m.pending] })),
  });
}


describe('the fixture specs', () => {
  it.each(['chat.yaml', 'presence.yaml'])('%s follows the conventions and parses with @asyncapi/parser', async (name) => {
    const source = readSpecFile(fixture(name));
    expect(checkConventions(source).map(formatDiagnostic)).toEqual([]);
    expect((await checkWithParser(source)).filter((d) => d.severity !== 'info').map(formatDiagnostic)).toEqual([]);
  });
});

describe('compileBehaviour: chat.yaml', () => {
  const plan = compileBehaviour(modelOf(fixture('chat.yaml')));
  const root = plan.namespace('/')!;

  describe('the plan', () => {
    it('has one namespace, its own presence, a plan per client event by wire name', () => {
      expect(plan.namespaces.map((ns) => ns.path)).toEqual(['/']);
      expect(plan.namespace('/chat')).toBeUndefined();
      expect(root.presenceNamespace).toBe('/');
      expect([...root.events.keys()]).toEqual(['sendMessage', 'deleteMessage', 'poke']);
      expect(root.events.get('sendMessage')!.event).toBe(root.model.events.find((e) => e.operationKey === 'onSendMessage'));
    });

    it('keeps each sequence in the spec’s order, each emit with its event and namespace', () => {
      const emits = root.events.get('sendMessage')!.emits;
      expect(emits.map((e) => e.event.name)).toEqual(['delivered', 'newConversation', 'conversationUpdated', 'message', 'unreadTotal', 'sent']);
      expect(emits.map((e) => e.event.direction)).toEqual(Array(6).fill('server'));
      expect(emits.map((e) => e.namespace)).toEqual(Array(6).fill('/'));
      expect(emits.map((e) => e.counterparts)).toEqual(Array(6).fill(false));
      expect(emits.map((e) => e.perRecipient)).toEqual([false, false, true, false, true, false]);
      expect(root.events.get('poke')!.emits.map((e) => [e.event.name, e.perRecipient])).toEqual([['poked_{userId}', true]]);
    });

    it('ackEmit: the emit of the reply’s message; none without a reply', () => {
      const sendMessage = root.events.get('sendMessage')!;
      expect(sendMessage.ackEmit).toBe(sendMessage.emits[5]);
      expect(sendMessage.ackEmit!.event.name).toBe('sent');
      expect(root.events.get('deleteMessage')!.ackEmit).toBeUndefined();
      expect(root.events.get('poke')!.ackEmit).toBeUndefined();
    });

    it('the lifecycle: its emits in order, without its effects', () => {
      expect(root.onConnect.empty).toBe(false);
      expect(root.onConnect.emits.map((e) => [e.event.name, e.counterparts])).toEqual([
        ['presence', true],
        ['delivered', false],
      ]);
      expect(root.onDisconnect.emits.map((e) => [e.event.name, e.counterparts])).toEqual([['presence', true]]);
    });

    it('field plans: each dotted path parsed once, array indexes as numbers', () => {
      const message = root.events.get('sendMessage')!.emits[3]!;
      expect(message.fields.map((f) => f.path)).toEqual([['id'], ['text'], ['createdAt'], ['meta', 0, 'sender'], ['meta', 0, 'kind']]);
    });
  });

  describe('sendMessage', () => {
    const HELLO = { from: 'ada', to: 'bob', text: 'Hello', clientId: 'k1' };

    const cases: [string, { bobOnline: boolean; existing: boolean; want: string[] }][] = [
      ['a first message, bob offline', { bobOnline: false, existing: false, want: ['newConversation', 'message', 'unreadTotal', 'sent'] }],
      ['a first message, bob online', { bobOnline: true, existing: false, want: ['delivered', 'newConversation', 'message', 'unreadTotal', 'sent'] }],
      ['a later message, bob offline', { bobOnline: false, existing: true, want: ['conversationUpdated', 'message', 'unreadTotal', 'sent'] }],
      ['a later message, bob online', { bobOnline: true, existing: true, want: ['delivered', 'conversationUpdated', 'message', 'unreadTotal', 'sent'] }],
    ];
    it.each(cases)('delivers exactly the emits whose conditions hold, in order: %s', (_name, { bobOnline, existing, want }) => {
      const w = world(bobOnline ? ['ada', 'bob'] : ['ada']);
      if (existing) w.state.addConversation('c1', 'direct', ['bob', 'ada']);
      expect(send(root, w, 'sendMessage', HELLO).delivered.map((d) => d.event)).toEqual(want);
    });

    it('a first message: the conversation is created, then every emit sees it and the message', () => {
      const w = world(['ada', 'bob']);
      w.state.time = Date.UTC(2026, 4, 6, 7, 8, 9);
      const { delivered, scope } = send(root, w, 'sendMessage', HELLO);
      const c = w.state.conversation('c1')!;
      expect(c.participants).toEqual(['ada', 'bob']);
      expect(c.messages).toEqual(['m1']);
      expect(scope.conversationExisted).toBe(false);
      const both = { ada: ['a1', 'a2'], bob: ['b1'] };
      expect(delivered).toEqual([
        { event: 'delivered', to: { ada: ['a1', 'a2'] }, fields: { to: 'bob' } },
        { event: 'newConversation', to: both, fields: { id: 'c1' } },
        { event: 'message', to: both, fields: { id: 'm1', text: 'Hello', createdAt: '2026-05-06T07:08:09.000Z', 'meta.0.sender': 'ada', 'meta.0.kind': 'text' } },
        { event: 'unreadTotal', to: { bob: ['b1'] }, fields: { bob: { name: 'unreadTotal', count: 1 } } },
        { event: 'sent', to: { ada: ['a1'] }, fields: { id: 'm1', clientId: 'k1' } },
      ]);
    });

    it('a later message: per-recipient fields are each receiver’s', () => {
      const w = world(['ada', 'bob']);
      const c1 = w.state.addConversation('c1', 'direct', ['bob', 'ada']);
      w.state.addMessage(c1, 'bob', 'one'); // ada: 1 unread
      w.state.addMessage(c1, 'ada', 'two'); // bob: 1 unread
      const { delivered } = send(root, w, 'sendMessage', HELLO, ADA, 'a2');
      expect(delivered.find((d) => d.event === 'conversationUpdated')).toEqual({
        event: 'conversationUpdated',
        to: { ada: ['a1', 'a2'], bob: ['b1'] },
        fields: { ada: { name: 'conversationUpdated', id: 'c1', unread: 1 }, bob: { name: 'conversationUpdated', id: 'c1', unread: 2 } },
      });
      expect(delivered.at(-1)).toEqual({ event: 'sent', to: { ada: ['a2'] }, fields: { id: 'm3', clientId: 'k1' } });
      expect(c1.messages).toEqual(['m1', 'm2', 'm3']);
    });

    it('a retry with the same clientId stores once and delivers the sequence again', () => {
      const w = world(['ada', 'bob']);
      w.state.addConversation('c1', 'direct', ['bob', 'ada']);
      const first = send(root, w, 'sendMessage', HELLO).delivered;
      const retry = send(root, w, 'sendMessage', HELLO).delivered;
      expect(w.state.stored).toHaveLength(1);
      expect(retry.map((d) => d.event)).toEqual(first.map((d) => d.event));
      expect(retry.find((d) => d.event === 'message')!.fields.id).toBe('m1');
    });

    it('without a socket (a fake peer): `socket` reaches nobody, the rest as usual', () => {
      const w = world(['ada', 'bob']);
      const { delivered } = send(root, w, 'sendMessage', HELLO, ADA, null);
      expect(delivered.map((d) => [d.event, d.to])).toEqual([
        ['delivered', { ada: ['a1', 'a2'] }],
        ['newConversation', { ada: ['a1', 'a2'], bob: ['b1'] }],
        ['message', { ada: ['a1', 'a2'], bob: ['b1'] }],
        ['unreadTotal', { bob: ['b1'] }],
        ['sent', {}],
      ]);
    });

    it('a failing guard delivers nothing and changes nothing (not even the conversation it would create)', () => {
      const w = world(['ada', 'bob']);
      const before = snapshot(w.state);
      const delivered: EmitPlan[] = [];
      const scope = newScope<MemoryRecords>(w.state, { from: 'ada', to: 'ada', text: 'me' }, ADA);
      expect(refusal(() => root.events.get('sendMessage')!.run(scope, { state: w.state }, (e) => delivered.push(e)))).toEqual({
        kind: 'invalidRequest',
        status: 400,
        message: 'The users must be different (you cannot message yourself)',
        field: undefined,
      });
      expect(delivered).toEqual([]);
      expect(snapshot(w.state)).toBe(before);
      expect(w.state.created).toEqual([]);
      expect(w.state.stored).toEqual([]);
    });
  });

  describe('deleteMessage', () => {
    /** c1 (ada, bob): m1 from bob, m2 from ada; c2 (bob, cy): m3 from bob. */
    function history() {
      const w = world(['ada', 'bob', 'cy']);
      const c1 = w.state.addConversation('c1', 'direct', ['ada', 'bob']);
      const c2 = w.state.addConversation('c2', 'direct', ['bob', 'cy']);
      w.state.addMessage(c1, 'bob');
      w.state.addMessage(c1, 'ada');
      w.state.addMessage(c2, 'bob');
      w.sockets.join('a1', 'conversation:c1').join('b1', 'conversation:c1');
      return w;
    }

    it('deletes, then tells the others (not the actor’s sockets)', () => {
      const w = history();
      const { delivered } = send(root, w, 'deleteMessage', { from: 'ada', room: 'c1', messageId: 'm2' });
      expect(delivered).toEqual([{ event: 'deleted', to: { bob: ['b1'] }, fields: { id: 'm2', room: 'c1' } }]);
      expect(w.state.message('m2')!.deleted).toBe(true);
    });

    const refusals: [string, { request: Record<string, string>; want: ReturnType<typeof refusal> }][] = [
      ['an unknown room', { request: { room: 'nope', messageId: 'm2' }, want: { kind: 'notFound', status: 404, message: 'Conversation not found', field: undefined } }],
      ['a room the actor is not in', { request: { room: 'c2', messageId: 'm3' }, want: { kind: 'forbidden', status: 403, message: 'You are not a participant of this conversation', field: undefined } }],
      ['a message of another room', { request: { room: 'c1', messageId: 'm3' }, want: { kind: 'notFound', status: 404, message: 'Message not found in this conversation', field: 'messageId' } }],
      ['another user’s message: the spec’s override', { request: { room: 'c1', messageId: 'm1' }, want: { kind: 'forbidden', status: 403, message: 'Not yours', field: 'messageId' } }],
    ];
    it.each(refusals)('refuses %s: nothing delivered, nothing deleted', (_name, { request, want }) => {
      const w = history();
      const before = snapshot(w.state);
      const delivered: EmitPlan[] = [];
      const scope = newScope<MemoryRecords>(w.state, { from: 'ada', ...request }, ADA);
      expect(refusal(() => root.events.get('deleteMessage')!.run(scope, { state: w.state }, (e) => delivered.push(e)))).toEqual(want);
      expect(delivered).toEqual([]);
      expect(snapshot(w.state)).toBe(before);
    });

    it('stateless: any room named exists with the actor in it, and no guard but distinctUsers is checked', () => {
      const w = world(['ada', 'bob'], { stateless: true });
      const { delivered } = send(root, w, 'deleteMessage', { from: 'ada', room: 'r9', messageId: 'zz' });
      expect(delivered).toEqual([{ event: 'deleted', to: {}, fields: { id: undefined, room: 'r9' } }]);
      expect(w.state.conversation('r9')!.participants).toEqual(['ada']);
    });
  });

  describe('dynamic names', () => {
    it('each recipient’s copy is named after them', () => {
      const w = world(['ada', 'bob', 'cy']);
      const { delivered } = send(root, w, 'poke', { who: ['bob', 'cy', 'eve'] });
      expect(delivered).toEqual([
        {
          event: 'poked_{userId}',
          to: { bob: ['b1'], cy: ['c1'] },
          fields: { bob: { name: 'poked_bob', by: 'ada', you: 'bob' }, cy: { name: 'poked_cy', by: 'ada', you: 'cy' } },
        },
      ]);
    });

    it('the id written in the name is the protocol’s id of the recipient, not their key', () => {
      const emit = root.events.get('poke')!.emits[0]!;
      const scope = newScope(new MemoryState(), {}, ADA);
      scope.recipient = { key: 'vendor:9', id: 9 };
      expect(emit.name(scope)).toBe('poked_9');
      scope.recipient = undefined;
      expect(emit.name(scope)).toBe('poked_');
    });

    it('a static name is the name', () => {
      const scope = newScope(new MemoryState(), {}, ADA);
      scope.recipient = { key: 'bob', id: 'bob' };
      expect(root.events.get('sendMessage')!.emits.map((e) => e.name(scope))).toEqual(['delivered', 'newConversation', 'conversationUpdated', 'message', 'unreadTotal', 'sent']);
    });
  });

  describe('the lifecycle', () => {
    /**
     * c1 (ada, bob), c2 (cy, ada), c3 (bob, dan), c4 (ada, bob, cy). While ada was offline, bob
     * sent two messages in c1 and cy one in c2 (pending for ada); ada sent one in c4 earlier
     * (unread for bob and cy).
     */
    function lifecycleWorld() {
      const w = world(['bob', 'cy', 'dan']);
      const [c1, c2, , c4] = [
        w.state.addConversation('c1', 'direct', ['ada', 'bob']),
        w.state.addConversation('c2', 'direct', ['cy', 'ada']),
        w.state.addConversation('c3', 'direct', ['bob', 'dan']),
        w.state.addConversation('c4', 'group', ['ada', 'bob', 'cy']),
      ];
      w.state.addMessage(c1!, 'bob');
      w.state.addMessage(c1!, 'bob');
      w.state.addMessage(c2!, 'cy');
      w.state.addMessage(c4!, 'ada');
      w.state.setOnline('ada');
      w.sockets.connect('a1', 'ada');
      return w;
    }

    /** Runs a lifecycle; each delivery with how many messages were still pending for ada then. */
    function connect(w: World, which: 'onConnect' | 'onDisconnect', phase: { first?: boolean; last?: boolean }) {
      const scope = newScope<MemoryRecords>(w.state, {}, ADA, phase);
      const delivered: (Delivered & { pendingForAda: number })[] = [];
      const joined: string[][] = [];
      const pendingForAda = () => [...w.state.messages.values()].filter((m) => m.pending.has('ada')).length;
      root[which].run(scope, { state: w.state, join: (rooms) => void joined.push(rooms) }, (emit) =>
        delivered.push({ ...record(emit, scope, w.sockets, 'a1'), pendingForAda: pendingForAda() }),
      );
      return { delivered, scope, joined };
    }

    it('onConnect, first socket: counterparts once per (conversation, counterpart), bound; effects between emits in step order', () => {
      const w = lifecycleWorld();
      const { delivered, scope } = connect(w, 'onConnect', { first: true });
      const presence = (conversation: string, recipient: string, unread: number) => ({
        event: 'presence',
        to: { [recipient]: [`${recipient[0]}1`] },
        fields: { user: 'ada', online: true, conversation, unread },
        conversation,
        recipient,
        pendingForAda: 3,
      });
      expect(delivered).toEqual([
        presence('c1', 'bob', 0),
        presence('c2', 'cy', 0),
        presence('c4', 'bob', 1),
        presence('c4', 'cy', 1),
        // markDelivered ran between: nothing is pending any more, and its senders receive this.
        { event: 'delivered', to: { bob: ['b1'], cy: ['c1'] }, fields: { to: 'ada' }, pendingForAda: 0 },
      ]);
      expect([...scope.pendingSenders!].sort()).toEqual(['bob', 'cy']);
      // The binding does not outlive the emit.
      expect(scope.conversation).toBeUndefined();
      expect(scope.recipient).toBeUndefined();
    });

    it('onConnect hands over the same emit plan for every copy', () => {
      const w = lifecycleWorld();
      const emits: EmitPlan[] = [];
      root.onConnect.run(newScope<MemoryRecords>(w.state, {}, ADA, { first: true }), { state: w.state }, (e) => emits.push(e));
      expect(emits.map((e) => root.onConnect.emits.indexOf(e))).toEqual([0, 0, 0, 0, 1]);
    });

    it('onConnect, another socket: no presence; delivered still handed over, to no one pending', () => {
      const w = lifecycleWorld();
      connect(w, 'onConnect', { first: true });
      const { delivered } = connect(w, 'onConnect', { first: false });
      expect(delivered).toEqual([{ event: 'delivered', to: {}, fields: { to: 'ada' }, pendingForAda: 0 }]);
    });

    it('onConnect of a user without conversations: counterparts reach nobody', () => {
      const w = world(['eve']);
      const scope = newScope<MemoryRecords>(w.state, {}, actor('eve'), { first: true });
      const names: string[] = [];
      root.onConnect.run(scope, { state: w.state }, (e) => names.push(e.event.name));
      expect(names).toEqual(['delivered']);
    });

    it('onDisconnect, last socket: counterparts told once per (conversation, counterpart)', () => {
      const w = lifecycleWorld();
      const { delivered } = connect(w, 'onDisconnect', { last: true });
      expect(delivered.map((d) => [d.conversation, d.recipient, d.fields.online, d.to])).toEqual([
        ['c1', 'bob', false, { bob: ['b1'] }],
        ['c2', 'cy', false, { cy: ['c1'] }],
        ['c4', 'bob', false, { bob: ['b1'] }],
        ['c4', 'cy', false, { cy: ['c1'] }],
      ]);
    });

    it('onDisconnect, not the last socket: nothing', () => {
      const w = lifecycleWorld();
      expect(connect(w, 'onDisconnect', { last: false }).delivered).toEqual([]);
    });
  });
});

describe('compileBehaviour: presence.yaml (presence from another namespace)', () => {
  const plan = compileBehaviour(modelOf(fixture('presence.yaml')));
  const chat = plan.namespace('/chat')!;

  it('each namespace knows where presence is', () => {
    expect(plan.namespaces.map((ns) => [ns.path, ns.presenceNamespace])).toEqual([
      ['/presence', '/presence'],
      ['/chat', '/presence'],
    ]);
    expect(chat.events.get('send')!.emits.map((e) => e.namespace)).toEqual(['/chat', '/chat']);
    expect(plan.namespace('/presence')!.events.get('ping')!.emits.map((e) => e.namespace)).toEqual(['/presence']);
  });

  function room(online: string[], presence: string): World {
    const w = world(online, { presence });
    w.state.addConversation('r1', 'group', ['ada', 'bob', 'cy']);
    return w;
  }

  const cases: [string, { presence: string; want: string[] }][] = [
    ['online in /presence: seen', { presence: '/presence', want: ['chatMessage', 'seen'] }],
    ['online in /chat only: not seen', { presence: '/chat', want: ['chatMessage'] }],
  ];
  it.each(cases)('conditions ask the presence namespace: %s', (_name, { presence, want }) => {
    const w = room(['ada', 'bob'], presence);
    expect(send(chat, w, 'send', { room: 'r1', text: 'hi', to: 'bob' }).delivered.map((d) => d.event)).toEqual(want);
  });

  it('stores with the presence namespace, so delivery state follows it', () => {
    const w = room(['ada', 'bob'], '/presence');
    send(chat, w, 'send', { room: 'r1', text: 'hi', to: 'bob' });
    expect(w.state.stored.map((m) => m.presenceNamespace)).toEqual(['/presence']);
    expect([...w.state.message('m1')!.pending]).toEqual(['cy']);
  });

  it('onConnect runs its effect (joinConversations) and delivers nothing; onDisconnect is empty', () => {
    const w = room(['ada'], '/presence');
    w.state.addConversation('r2', 'direct', ['ada', 'bob']);
    w.state.addConversation('r3', 'direct', ['bob', 'cy']);
    const joined: string[][] = [];
    const delivered: EmitPlan[] = [];
    chat.onConnect.run(newScope<MemoryRecords>(w.state, {}, ADA, { first: true }), { state: w.state, join: (rooms) => void joined.push(rooms) }, (e) => delivered.push(e));
    expect(joined).toEqual([['conversation:r1', 'conversation:r2']]);
    expect(delivered).toEqual([]);
    expect(chat.onConnect.empty).toBe(false);
    expect(chat.onConnect.emits).toEqual([]);
    expect(chat.onDisconnect.empty).toBe(true);
  });
});

describe('compileBehaviour: the project specs', () => {
  describe.each(PROTOCOLS)('%s', (protocol) => {
    const { model } = loadSpec(protocol);
    const plan = compileBehaviour(model);

    it('has a namespace plan per channel and a plan per client event', () => {
      expect(plan.namespaces.map((ns) => ns.path)).toEqual(model.namespaces.map((ns) => ns.path));
      for (const ns of model.namespaces) {
        const clientEvents = ns.events.filter((e) => e.direction === 'client');
        const nsPlan = plan.namespace(ns.path)!;
        expect([...nsPlan.events.keys()].sort()).toEqual(clientEvents.map((e) => e.name).sort());
        for (const event of clientEvents) {
          const eventPlan = nsPlan.events.get(event.name)!;
          expect(eventPlan.event).toBe(event);
          expect(eventPlan.emits.map((e) => e.emit)).toEqual(event.reaction!.emits);
        }
      }
    });

    it('every emit resolves its event: the server event its reference names, in that channel’s namespace', () => {
      const emits = plan.namespaces.flatMap((ns) => [...[...ns.events.values()].flatMap((e) => e.emits), ...ns.onConnect.emits, ...ns.onDisconnect.emits]);
      expect(emits.length).toBeGreaterThan(0);
      for (const emit of emits) {
        const ref = emit.emit.message.$ref;
        const channel = /^#\/channels\/([^/]+)\/messages\//.exec(ref)![1];
        const ns = model.namespaces.find((n) => n.key === channel)!;
        expect({ ref, event: emit.event.channelMessageKey, direction: emit.event.direction, namespace: emit.namespace }).toEqual({
          ref,
          event: refName(ref),
          direction: 'server',
          namespace: ns.path,
        });
        expect(ns.events).toContain(emit.event);
        expect(emit.counterparts).toBe(asList(emit.emit.to).includes('counterparts'));
      }
    });

    it('every client event runs on its example in a stateless state, delivering a part of its sequence in order', () => {
      for (const ns of plan.namespaces) {
        for (const [name, eventPlan] of ns.events) {
          const state = new MemoryState({ stateless: true });
          const scope = newScope<MemoryRecords>(state, validPayload(protocol, ns.model, eventPlan.event) ?? {}, actor('u-1'));
          const positions: number[] = [];
          eventPlan.run(scope, { state, join: () => undefined }, (emit) => {
            // Everything a server needs of the emit can be evaluated.
            emit.recipients(scope, new MemorySockets().connect('s1', 'u-1'), 's1');
            emit.name(scope);
            for (const f of emit.fields) f.value(scope);
            positions.push(eventPlan.emits.indexOf(emit));
          });
          expect({ name, positions }).toEqual({ name, positions: [...new Set(positions)].sort((a, b) => a - b) });
          expect(positions.every((i) => i >= 0)).toBe(true);
        }
      }
    });

    it('ackEmit, where there is one, is an emit of the reply’s payload in the event’s sequence', () => {
      for (const ns of plan.namespaces) {
        for (const eventPlan of ns.events.values()) {
          if (eventPlan.event.ack === undefined) expect(eventPlan.ackEmit).toBeUndefined();
          if (eventPlan.ackEmit) {
            expect(eventPlan.emits).toContain(eventPlan.ackEmit);
            expect(eventPlan.ackEmit.event.payload).toBe(eventPlan.event.ack);
          }
        }
      }
    });
  });
});

describe('messenger: a retried send (CONVENTIONS.md §3.3: stored once, "its emits repeated")', () => {
  const root = compileBehaviour(loadSpec('messenger').model).namespace('/')!;
  const SEND = { messageid: 'k1', senderid: 'ada', receiverid: 'bob', message: 'Hi' };
  const events = (w: World) => send(root, w, 'sendMessage', SEND).delivered.map((d) => d.event);

  it('a retry of a later message repeats threadUpdate', () => {
    const w = world(['ada', 'bob']);
    w.state.addConversation('c1', 'direct', ['ada', 'bob']);
    expect(events(w)).toEqual(['deliveredMessage', 'threadUpdate', 'newMessage', 'unreadMessagesCount']);
    expect(events(w)).toEqual(['deliveredMessage', 'threadUpdate', 'newMessage', 'unreadMessagesCount']);
    expect(w.state.stored).toHaveLength(1);
  });

  it('a retried first message brings newThread again', () => {
    const w = world(['ada', 'bob']);
    expect(events(w)).toEqual(['deliveredMessage', 'newThread', 'newMessage', 'unreadMessagesCount']);
    expect(events(w)).toEqual(['deliveredMessage', 'newThread', 'newMessage', 'unreadMessagesCount']);
  });

  it('a retry after the receiver went offline still says deliveredMessage (it was delivered)', () => {
    const w = world(['ada', 'bob']);
    w.state.addConversation('c1', 'direct', ['ada', 'bob']);
    events(w);
    w.state.setOnline('bob', false);
    expect(events(w)[0]).toBe('deliveredMessage');
  });

  it('a retry naming a deleted message is refused with invalidRequest on messageid', () => {
    const w = world(['ada', 'bob']);
    w.state.addConversation('c1', 'direct', ['ada', 'bob']);
    events(w);
    w.state.deleteMessage(w.state.message('m1')!);
    expect(refusal(() => events(w))).toMatchObject({ kind: 'invalidRequest', status: 400, field: 'messageid' });
  });

  it('a file sent with the id of a text message is refused with invalidRequest on messageid, and stores nothing', () => {
    const w = world(['ada', 'bob']);
    events(w);
    const media = { messageid: 'k1', senderid: 'ada', receiverid: 'bob', mimeType: 'image/png', file: new Uint8Array([0x89, 0x50]) };
    expect(refusal(() => send(root, w, 'sendMedia', media))).toMatchObject({ kind: 'invalidRequest', status: 400, field: 'messageid' });
    expect(w.state.stored).toHaveLength(1);
  });
});
