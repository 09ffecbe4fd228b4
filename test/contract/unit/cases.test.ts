/**
 * The cases of each spec (src/contract/cases.ts), derived from its behaviour plan: which kinds
 * each client event gets, the handshake and lifecycle cases of each namespace, stable unique
 * ids, and `--only` (substrings, wildcards, lists, event names).
 */
import { describe, expect, it } from 'vitest';
import { compileBehaviour, type BehaviourPlan, type EmitPlan } from '../../../src/behaviour/index.js';
import { casesOf, matchesOnly, needsConversation, type CaseSpec } from '../../../src/contract/cases.js';
import { entityPlaces, isList } from '../../../src/contract/lists.js';
import { loadSpec, type Protocol } from '../../helpers/specs.js';

const PROTOCOLS = ['messenger', 'rooms', 'marketplace', 'teamchat'] as const;
const plans = Object.fromEntries(PROTOCOLS.map((p) => [p, compileBehaviour(loadSpec(p).model)])) as Record<Protocol, BehaviourPlan>;

/** Whether emits show lists, as the runner decides it (ContractSuite). */
const listsOf = (plan: BehaviourPlan) => (emits: readonly EmitPlan[]) => emits.some((e) => entityPlaces(plan.model, e.event.payload).some(isList));

function cases(protocol: Protocol, options: { badInputs?: number; canForge?: boolean } = {}): CaseSpec[] {
  const plan = plans[protocol];
  return casesOf(protocol, plan.namespaces, { badInputs: options.badInputs ?? 6, canForge: options.canForge ?? true, lists: listsOf(plan) });
}

// Every case of every spec, with a key, in order. Read against the rules: a `first` (and a
// `later`) sequence where the event may create its conversation, `existing` where it needs one;
// `counterpart offline` where an emit waits on presence; `identity` where the request names its
// actor; `outsider` where the event names a conversation by id or acts on a message; `state`
// where a reading event's emits (or connecting) bring lists of conversations or messages.
const ALL: Record<Protocol, string[]> = {
  messenger: [
    './.handshake.handshake.no-credential',
    './.handshake.handshake.malformed-token',
    './.handshake.handshake.bad-signature',
    './.handshake.handshake.expired-token',
    './.connect.lifecycle.counterpart-leaves-and-comes-back',
    './.sendMessage.sequence.first',
    './.sendMessage.sequence.later',
    './.sendMessage.sequence.retry',
    './.sendMessage.sequence.counterpart-offline',
    './.sendMessage.badInput.schema',
    './.sendMessage.identity.another-user',
    './.sendMedia.sequence.first',
    './.sendMedia.sequence.later',
    './.sendMedia.sequence.retry',
    './.sendMedia.sequence.counterpart-offline',
    './.sendMedia.badInput.schema',
    './.sendMedia.identity.another-user',
    './.deleteMessage.sequence.existing',
    './.deleteMessage.badInput.schema',
    './.deleteMessage.identity.another-user',
    './.deleteMessage.outsider.conversation-of-others',
    './.seeMessage.sequence.existing',
    './.seeMessage.badInput.schema',
    './.seeMessage.identity.another-user',
  ],
  rooms: [
    './.handshake.handshake.no-credential',
    './.handshake.handshake.malformed-token',
    './.handshake.handshake.bad-signature',
    './.handshake.handshake.expired-token',
    './.connected.sequence.first',
    './.connected.badInput.schema',
    './.connected.identity.another-user',
    './.get_chats.sequence.first',
    './.get_chats.badInput.schema',
    './.get_chats.identity.another-user',
    './.get_chats.state.lists',
    './.new_room_create.sequence.first',
    './.new_room_create.sequence.later',
    './.new_room_create.badInput.schema',
    './.new_room_create.identity.another-user',
    './.new_message.sequence.existing',
    './.new_message.sequence.retry',
    './.new_message.badInput.schema',
    './.new_message.identity.another-user',
    './.new_message.outsider.conversation-of-others',
    './.typing_start.sequence.existing',
    './.typing_start.badInput.schema',
    './.typing_start.identity.another-user',
    './.typing_start.outsider.conversation-of-others',
    './.typing_end.sequence.existing',
    './.typing_end.badInput.schema',
    './.typing_end.identity.another-user',
    './.typing_end.outsider.conversation-of-others',
    './.online_status.sequence.first',
    './.online_status.badInput.schema',
    './.online_status.identity.another-user',
  ],
  marketplace: [
    './presence.handshake.handshake.no-credential',
    './presence.handshake.handshake.malformed-token',
    './presence.handshake.handshake.bad-signature',
    './presence.handshake.handshake.expired-token',
    './presence.connect.lifecycle.counterpart-leaves-and-comes-back',
    './chat.handshake.handshake.no-credential',
    './chat.handshake.handshake.malformed-token',
    './chat.handshake.handshake.bad-signature',
    './chat.handshake.handshake.expired-token',
    './chat.handshake.handshake.before-presence',
    './chat.connect.state.lists-on-connect',
    './chat.joinChat.sequence.existing',
    './chat.joinChat.badInput.schema',
    './chat.joinChat.outsider.conversation-of-others',
    './chat.joinChat.state.lists',
    './chat.joinRooms.sequence.first',
    './chat.joinRooms.badInput.schema',
    './chat.joinRooms.state.lists',
    './chat.sendMessage.sequence.first',
    './chat.sendMessage.sequence.later',
    './chat.sendMessage.sequence.counterpart-offline',
    './chat.sendMessage.badInput.schema',
    './chat.markAsRead.sequence.existing',
    './chat.markAsRead.badInput.schema',
    './chat.deleteMessage.sequence.existing',
    './chat.deleteMessage.badInput.schema',
    './chat.deleteMessage.outsider.conversation-of-others',
    './chat.typing.sequence.existing',
    './chat.typing.badInput.schema',
    './chat.stoppedTyping.sequence.existing',
    './chat.stoppedTyping.badInput.schema',
    './chat.getUserChats.sequence.first',
    './chat.getUserChats.badInput.schema',
    './chat.getUserChats.state.lists',
  ],
  teamchat: [
    './.handshake.handshake.no-credential',
    './.handshake.handshake.malformed-token',
    './.handshake.handshake.bad-signature',
    './.handshake.handshake.expired-token',
    './.connectRooms.sequence.first',
    './.connectRooms.badInput.schema',
    './.connectRooms.identity.another-user',
    './.connectRooms.state.lists',
    './.sendMessage.sequence.existing',
    './.sendMessage.badInput.schema',
    './.sendMessage.identity.another-user',
    './.sendMessage.outsider.conversation-of-others',
    './.typing.sequence.existing',
    './.typing.badInput.schema',
    './.typing.outsider.conversation-of-others',
    './.sendNewMessage.sequence.first',
    './.sendNewMessage.sequence.later',
    './.sendNewMessage.sequence.retry',
    './.sendNewMessage.badInput.schema',
    './.sendNewMessage.identity.another-user',
    './.sendNewMessage.outsider.conversation-of-others',
    './.createGroup.sequence.first',
    './.createGroup.sequence.later',
    './.createGroup.badInput.schema',
    './.createGroup.identity.another-user',
    './.deleteMessage.sequence.existing',
    './.deleteMessage.badInput.schema',
    './.deleteMessage.identity.another-user',
    './.deleteMessage.outsider.conversation-of-others',
    './.editMessage.sequence.existing',
    './.editMessage.badInput.schema',
    './.editMessage.identity.another-user',
    './.editMessage.outsider.conversation-of-others',
    './.messageSeen.sequence.existing',
    './.messageSeen.badInput.schema',
    './.messageSeen.outsider.conversation-of-others',
    './.pinMessage.sequence.existing',
    './.pinMessage.badInput.schema',
    './.pinMessage.outsider.conversation-of-others',
  ],
};

// `marketplace` + `./chat.x` is `marketplace./chat.x`: the table leaves out the protocol.
const full = (protocol: Protocol, tail: string) => `${protocol}${tail}`;

describe('casesOf', () => {
  it.each(PROTOCOLS)('%s: every case, in order', (protocol) => {
    expect(cases(protocol).map((c) => c.id)).toEqual(ALL[protocol].map((t) => full(protocol, t)));
  });

  it.each(PROTOCOLS)('%s: ids unique, stable, and made of protocol.namespace.event.kind.variant', (protocol) => {
    const list = cases(protocol);
    expect(new Set(list.map((c) => c.id)).size).toBe(list.length);
    expect(cases(protocol)).toEqual(list);
    for (const c of list) expect(c.id).toBe(`${protocol}.${c.namespace}.${c.event}.${c.kind}.${c.variant.replace(/[^A-Za-z0-9_-]+/g, '-')}`);
    // Forging tokens or not adds or removes the two forged handshakes, and changes no other id.
    const without = cases(protocol, { canForge: false }).map((c) => c.id);
    expect(list.map((c) => c.id).filter((id) => !/\.handshake\.(bad-signature|expired-token)$/.test(id))).toEqual(without);
  });

  it.each(PROTOCOLS)('%s: every client event has a sequence case with its plan', (protocol) => {
    const list = cases(protocol);
    for (const ns of plans[protocol].namespaces) {
      for (const plan of ns.events.values()) {
        const sequences = list.filter((c) => c.kind === 'sequence' && c.namespace === ns.path && c.event === plan.event.name);
        expect(sequences.length).toBeGreaterThan(0);
        for (const c of sequences) expect(c.plan).toBe(plan);
      }
    }
  });

  const EVENTS: [string, { protocol: Protocol; namespace: string; event: string; want: string[] }][] = [
    ['messenger sendMessage: first, later, retry, counterpart offline, badInput, identity', { protocol: 'messenger', namespace: '/', event: 'sendMessage', want: ['sequence first', 'sequence later', 'sequence retry', 'sequence counterpart offline', 'badInput schema', 'identity another user'] }],
    ['messenger deleteMessage acts on a message: existing and outsider', { protocol: 'messenger', namespace: '/', event: 'deleteMessage', want: ['sequence existing', 'badInput schema', 'identity another user', 'outsider conversation of others'] }],
    ['messenger seeMessage names its conversation by its participants: no outsider', { protocol: 'messenger', namespace: '/', event: 'seeMessage', want: ['sequence existing', 'badInput schema', 'identity another user'] }],
    ['rooms new_message names its room by id: outsider', { protocol: 'rooms', namespace: '/', event: 'new_message', want: ['sequence existing', 'sequence retry', 'badInput schema', 'identity another user', 'outsider conversation of others'] }],
    ['rooms get_chats reads lists: state', { protocol: 'rooms', namespace: '/', event: 'get_chats', want: ['sequence first', 'badInput schema', 'identity another user', 'state lists'] }],
    ['marketplace sendMessage names no actor: no identity', { protocol: 'marketplace', namespace: '/chat', event: 'sendMessage', want: ['sequence first', 'sequence later', 'sequence counterpart offline', 'badInput schema'] }],
    ['marketplace joinChat: by chatId, outsider; marks read and loads messages, state', { protocol: 'marketplace', namespace: '/chat', event: 'joinChat', want: ['sequence existing', 'badInput schema', 'outsider conversation of others', 'state lists'] }],
    ['teamchat sendNewMessage creates or names a room', { protocol: 'teamchat', namespace: '/', event: 'sendNewMessage', want: ['sequence first', 'sequence later', 'sequence retry', 'badInput schema', 'identity another user', 'outsider conversation of others'] }],
    ['teamchat typing names no actor', { protocol: 'teamchat', namespace: '/', event: 'typing', want: ['sequence existing', 'badInput schema', 'outsider conversation of others'] }],
    ['teamchat createGroup creates a group', { protocol: 'teamchat', namespace: '/', event: 'createGroup', want: ['sequence first', 'sequence later', 'badInput schema', 'identity another user'] }],
  ];
  it.each(EVENTS)('%s', (_name, { protocol, namespace, event, want }) => {
    const mine = cases(protocol).filter((c) => c.namespace === namespace && c.event === event);
    expect(mine.map((c) => `${c.kind} ${c.variant}`)).toEqual(want);
  });

  const HANDSHAKES: [string, { protocol: Protocol; namespace: string; canForge: boolean; want: string[] }][] = [
    ['messenger, forging', { protocol: 'messenger', namespace: '/', canForge: true, want: ['no credential', 'malformed token', 'bad signature', 'expired token'] }],
    ['messenger, not forging', { protocol: 'messenger', namespace: '/', canForge: false, want: ['no credential', 'malformed token'] }],
    ['marketplace /presence, not forging', { protocol: 'marketplace', namespace: '/presence', canForge: false, want: ['no credential', 'malformed token'] }],
    ['marketplace /chat: presence first, even without forging', { protocol: 'marketplace', namespace: '/chat', canForge: false, want: ['no credential', 'malformed token', 'before /presence'] }],
    ['marketplace /chat, forging', { protocol: 'marketplace', namespace: '/chat', canForge: true, want: ['no credential', 'malformed token', 'bad signature', 'expired token', 'before /presence'] }],
  ];
  it.each(HANDSHAKES)('handshake cases: %s', (_name, { protocol, namespace, canForge, want }) => {
    const mine = cases(protocol, { canForge }).filter((c) => c.kind === 'handshake' && c.namespace === namespace);
    expect(mine.map((c) => c.variant)).toEqual(want);
    for (const c of mine) expect([c.event, c.plan]).toEqual(['handshake', undefined]);
  });

  it.each(PROTOCOLS)('%s: no bad inputs asked, no badInput cases, nothing else changes', (protocol) => {
    const none = cases(protocol, { badInputs: 0 }).map((c) => c.id);
    expect(none.some((id) => id.includes('.badInput.'))).toBe(false);
    expect(cases(protocol).map((c) => c.id).filter((id) => !id.includes('.badInput.'))).toEqual(none);
  });

  it('without lists, no state cases; with lists everywhere, a state case per reading event and connect', () => {
    const plan = plans.messenger;
    const never = casesOf('messenger', plan.namespaces, { badInputs: 0, canForge: false, lists: () => false });
    expect(never.filter((c) => c.kind === 'state')).toEqual([]);
    const always = casesOf('messenger', plan.namespaces, { badInputs: 0, canForge: false, lists: () => true });
    // seeMessage (markRead) reads; sending and deleting change the lists.
    expect(always.filter((c) => c.kind === 'state').map((c) => c.id)).toEqual(['messenger./.connect.state.lists-on-connect', 'messenger./.seeMessage.state.lists']);
  });
});

describe('needsConversation', () => {
  const rows: [Protocol, string, boolean][] = [
    ['messenger', 'sendMessage', false],
    ['messenger', 'deleteMessage', true],
    ['messenger', 'seeMessage', true],
    ['rooms', 'connected', false],
    ['rooms', 'new_room_create', false],
    ['rooms', 'new_message', true],
    ['marketplace', 'joinRooms', false],
    ['marketplace', 'joinChat', true],
    ['marketplace', 'sendMessage', false],
    ['marketplace', 'markAsRead', true],
    ['teamchat', 'sendNewMessage', false],
    ['teamchat', 'createGroup', false],
    ['teamchat', 'messageSeen', true],
  ];
  it.each(rows)('%s %s: %s', (protocol, name, want) => {
    const event = plans[protocol].model.namespaces.flatMap((ns) => ns.events).find((e) => e.direction === 'client' && e.name === name)!;
    expect(needsConversation(event)).toBe(want);
  });
});

describe('matchesOnly', () => {
  const messenger = cases('messenger');
  const selected = (pattern: string | undefined) => messenger.filter((c) => matchesOnly(c, pattern)).map((c) => c.id);
  const ids = (...tails: string[]) => tails.map((t) => full('messenger', t));

  const PATTERNS: [string, { pattern: string | undefined; want: string[] }][] = [
    ['no pattern: everything', { pattern: undefined, want: messenger.map((c) => c.id) }],
    ['an empty pattern: everything', { pattern: '', want: messenger.map((c) => c.id) }],
    ['a whole id', { pattern: 'messenger./.sendMessage.sequence.first', want: ids('./.sendMessage.sequence.first') }],
    ['an event name', { pattern: 'seeMessage', want: ids('./.seeMessage.sequence.existing', './.seeMessage.badInput.schema', './.seeMessage.identity.another-user') }],
    ['handshake (the event of handshake cases)', { pattern: 'handshake', want: ids('./.handshake.handshake.no-credential', './.handshake.handshake.malformed-token', './.handshake.handshake.bad-signature', './.handshake.handshake.expired-token') }],
    ['a substring of ids', { pattern: 'sequence.later', want: ids('./.sendMessage.sequence.later', './.sendMedia.sequence.later') }],
    ['a wildcard over ids', { pattern: '*.identity.*', want: ids('./.sendMessage.identity.another-user', './.sendMedia.identity.another-user', './.deleteMessage.identity.another-user', './.seeMessage.identity.another-user') }],
    ['a wildcard over event names', { pattern: 'send*', want: messenger.filter((c) => c.event === 'sendMessage' || c.event === 'sendMedia').map((c) => c.id) }],
    ['a wildcard in the middle', { pattern: 'messenger./.*.outsider.*', want: ids('./.deleteMessage.outsider.conversation-of-others') }],
    ['a list, with spaces', { pattern: 'seeMessage , messenger./.sendMedia.sequence.first', want: ids('./.sendMedia.sequence.first', './.seeMessage.sequence.existing', './.seeMessage.badInput.schema', './.seeMessage.identity.another-user') }],
    ['dots are literal', { pattern: 'messenger./.sendMessageXsequence', want: [] }],
    ['a regex character is literal', { pattern: 'send(Message)', want: [] }],
    ['an unknown name', { pattern: 'typing', want: [] }],
    ['case matters', { pattern: 'SENDMESSAGE', want: [] }],
  ];
  it.each(PATTERNS)('%s', (_name, { pattern, want }) => {
    expect(selected(pattern)).toEqual(want);
  });

  it('a trailing comma adds nothing', () => {
    expect(selected('seeMessage,')).toEqual(ids('./.seeMessage.sequence.existing', './.seeMessage.badInput.schema', './.seeMessage.identity.another-user'));
  });
});
