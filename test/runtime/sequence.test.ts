/** sequenceProblem: a handler's emits against its event's sequence, case by case. */
import { describe, expect, it } from 'vitest';
import { isStep, sequenceProblem, type SequenceStep } from '../../src/runtime/sequence.js';
import { sequenceOf } from '../../src/spec/sequences.js';
import { loadSpec } from '../helpers/specs.js';

const always = (event: string): SequenceStep => ({ event, conditional: false });
const maybe = (event: string): SequenceStep => ({ event, conditional: true });
const SEQUENCE = [maybe('delivered'), always('newMessage'), maybe('group_{userId}'), always('unread')];

const CASES: [name: string, emitted: string[], problem: RegExp | undefined][] = [
  ['every step in order', ['delivered', 'newMessage', 'group_7', 'unread'], undefined],
  ['conditional steps left out', ['newMessage', 'unread'], undefined],
  ['a step emitted to several recipients in turn', ['newMessage', 'newMessage', 'unread', 'unread'], undefined],
  ['a dynamic name matching its pattern', ['newMessage', 'group_a-b', 'unread'], undefined],
  ['an emit the sequence does not have', ['newMessage', 'typing', 'unread'], /'typing' is not in the spec's sequence \(delivered, newMessage, group_\{userId\}, unread\)/],
  ['a dynamic name not matching', ['newMessage', 'room_7', 'unread'], /'room_7' is not in/],
  ['out of order', ['newMessage', 'unread', 'delivered'], /'delivered' was emitted after 'unread'; the spec's order is delivered, newMessage/],
  ['an unconditional step missing', ['delivered', 'newMessage'], /'unread' never emitted, though the spec's sequence .* always emits it/],
  ['two missing', [], /'newMessage', 'unread' never emitted.*always emits them/],
];

describe('sequenceProblem', () => {
  it.each(CASES)('%s', (_name, emitted, problem) => {
    const found = sequenceProblem(SEQUENCE, emitted);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toMatch(problem);
  });

  it('accepts nothing for an empty sequence, and refuses any emit', () => {
    expect(sequenceProblem([], [])).toBeUndefined();
    expect(sequenceProblem([], ['x'])).toMatch(/'x' is not in the spec's sequence \(nothing\)/);
  });

  it('matches a pattern whole, with its literal parts escaped', () => {
    expect(isStep(always('a.b_{id}'), 'a.b_1')).toBe(true);
    expect(isStep(always('a.b_{id}'), 'axb_1')).toBe(false);
    expect(isStep(always('a.b_{id}'), 'a.b_')).toBe(false);
  });
});

describe('sequenceOf', () => {
  it("reads a client event's emits from the spec, in order, with their conditions", () => {
    const { model } = loadSpec('messenger');
    const sendMessage = model.namespaces[0]!.events.find((e) => e.direction === 'client' && e.name === 'sendMessage')!;
    expect(sequenceOf(model, sendMessage)).toEqual([maybe('deliveredMessage'), maybe('newThread'), maybe('threadUpdate'), always('newMessage'), always('unreadMessagesCount')]);
  });

  it('names events of another namespace and dynamic events as the wire does', () => {
    for (const protocol of ['marketplace', 'teamchat']) {
      const { model } = loadSpec(protocol);
      const names = new Set(model.namespaces.flatMap((ns) => ns.events.filter((e) => e.direction === 'server').map((e) => e.name)));
      for (const ns of model.namespaces) for (const e of ns.events.filter((x) => x.direction === 'client')) for (const step of sequenceOf(model, e)) expect(names, `${protocol} ${e.name}`).toContain(step.event);
    }
  });
});
