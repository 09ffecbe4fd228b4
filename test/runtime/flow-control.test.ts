/**
 * Flow control (src/runtime/flow-control.ts) on a hand-driven clock: buckets refill at their
 * rate up to their burst, users share a bucket across sockets, the queue bound holds, and
 * refusals add up to a disconnect.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_FLOW_CONTROL, FlowControl, TokenBucket } from '../../src/runtime/flow-control.js';

function clock(start = 0) {
  let now = start;
  return { now: () => now, advance: (seconds: number) => (now += seconds) };
}

/** Admits `n` events one after another (each finished at once); returns how many got through. */
function admitted(gate: ReturnType<FlowControl['open']>, n: number, event = 'sendMessage'): number {
  let ok = 0;
  for (let i = 0; i < n; i++) {
    if (gate.admit(event) === undefined) {
      ok += 1;
      gate.done();
    }
  }
  return ok;
}

describe('TokenBucket', () => {
  it.each([
    ['a full bucket gives its burst', { rate: 10, burst: 5 }, [[0, 8]], [5]],
    ['then the rate: 10/s for 0.5 s is 5 more', { rate: 10, burst: 5 }, [[0, 5], [0.5, 10]], [5, 5]],
    ['never more than the burst, however long it waited', { rate: 10, burst: 5 }, [[0, 5], [60, 100]], [5, 5]],
    ['fractions add up: 2/s over 4 × 0.25 s is 2', { rate: 2, burst: 1 }, [[0, 1], [0.25, 1], [0.25, 1], [0.25, 1], [0.25, 1]], [1, 0, 1, 0, 1]],
  ] as const)('%s', (_name, limit, steps, want) => {
    const c = clock();
    const bucket = new TokenBucket(limit, c.now);
    const got = steps.map(([advance, tries]) => {
      c.advance(advance);
      let taken = 0;
      for (let i = 0; i < tries; i++) if (bucket.take()) taken += 1;
      return taken;
    });
    expect(got).toEqual(want);
  });

  it.each([
    [{ rate: 0, burst: 5 }],
    [{ rate: -1, burst: 5 }],
    [{ rate: 5, burst: 0 }],
    [{ rate: Number.NaN, burst: 5 }],
  ])('refuses a limit that admits nothing: %j', (limit) => {
    expect(() => new TokenBucket(limit)).toThrow(RangeError);
  });
});

describe('FlowControl', () => {
  it('admits a socket its burst, then its rate, and says why it refuses', () => {
    const c = clock();
    const flow = new FlowControl({ socket: { rate: 20, burst: 40 }, user: false }, c.now);
    const gate = flow.open('ada');
    expect(admitted(gate, 100)).toBe(40);
    expect(gate.admit('sendMessage')).toMatch(/^rate limit: at most 20 events\/s \(burst 40\) per connection$/);
    c.advance(1);
    expect(admitted(gate, 100)).toBe(20);
  });

  it("shares one bucket among a user's sockets, and only theirs", () => {
    const c = clock();
    const flow = new FlowControl({ socket: { rate: 100, burst: 100 }, user: { rate: 10, burst: 10 } }, c.now);
    const [tab1, tab2, other] = [flow.open('ada'), flow.open('ada'), flow.open('grace')];
    expect(admitted(tab1, 6)).toBe(6);
    expect(admitted(tab2, 6)).toBe(4);
    expect(tab2.admit('sendMessage')).toMatch(/per user/);
    expect(admitted(other, 10)).toBe(10);
  });

  it('a refusal by a later bucket gives back the tokens the earlier ones took', () => {
    const c = clock();
    const flow = new FlowControl({ socket: { rate: 1, burst: 10 }, user: false, events: { typing: { rate: 1, burst: 2 } } }, c.now);
    const gate = flow.open('ada');
    expect(admitted(gate, 5, 'typing')).toBe(2);
    // Three typing refusals took nothing from the socket's bucket: 8 tokens are left for the rest.
    expect(admitted(gate, 20, 'sendMessage')).toBe(8);
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])("takes an event named '%s' for an event like any other, not a key of Object.prototype", (event) => {
    const gate = new FlowControl({ events: { typing: { rate: 1, burst: 1 } } }).open('ada');
    expect(gate.admit(event)).toBeUndefined();
  });

  it('bounds the events waiting on one socket, whatever the rate allows', () => {
    const flow = new FlowControl({ socket: false, user: false, maxQueued: 3 });
    const gate = flow.open('ada');
    expect([1, 2, 3, 4].map(() => gate.admit('sendMessage'))).toEqual([undefined, undefined, undefined, expect.stringMatching(/too many events waiting \(3\)/)]);
    gate.done();
    expect(gate.admit('sendMessage')).toBeUndefined();
  });

  it('exhausts a socket that keeps sending after refusals, not one refused now and then', () => {
    const c = clock();
    const flow = new FlowControl({ socket: { rate: 1, burst: 1 }, user: false, refusals: { rate: 1, burst: 5 } }, c.now);
    const polite = flow.open('ada');
    for (let second = 0; second < 30; second++) {
      admitted(polite, 2); // one refusal a second: the refusal bucket refills as fast
      c.advance(1);
    }
    expect(polite.exhausted).toBe(false);
    const flooder = flow.open('mallory');
    admitted(flooder, 7);
    expect(flooder.exhausted).toBe(true);
  });

  it('identifies a user later (an announce event) and forgets them with their last socket', () => {
    const flow = new FlowControl({ user: { rate: 1, burst: 2 } });
    const gate = flow.open();
    expect(flow.trackedUsers).toBe(0);
    gate.identify('ada');
    const second = flow.open('ada');
    expect(flow.trackedUsers).toBe(1);
    gate.close();
    expect(flow.trackedUsers).toBe(1);
    second.close();
    second.close();
    expect(flow.trackedUsers).toBe(0);
  });

  it('fills what is not given (or given as undefined) from the defaults', () => {
    const c = clock();
    const gate = new FlowControl({ socket: undefined }, c.now).open('ada');
    expect(admitted(gate, 1000)).toBe(DEFAULT_FLOW_CONTROL.socket.burst);
  });
});
