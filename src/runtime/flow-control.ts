// Flow control for the client events of a Socket.IO server: token buckets per socket, per user
// and per event, a bound on the events waiting in a socket's queue, and a verdict on sockets that
// keep pushing after being refused. One socket must not be able to starve everyone else: every
// refusal is decided here, in constant time, before any work is queued for the event.
//
// Plain TypeScript with no imports: the generator copies it verbatim into generated/runtime/.

/** A token bucket: `rate` events a second on average, `burst` at once. */
export interface Rate {
  readonly rate: number;
  readonly burst: number;
}

export interface FlowControlOptions {
  /** Every client event of one socket together. `false`: no limit. */
  readonly socket?: Rate | false;
  /** Every client event of all of one user's sockets together (per namespace). `false`: no limit. */
  readonly user?: Rate | false;
  /** A bucket of its own for some events, on top of the socket's (`{ typing: { rate: 5, burst: 10 } }`). */
  readonly events?: Readonly<Record<string, Rate>>;
  /** Events accepted but still waiting for their turn on one socket; beyond it, events are refused. */
  readonly maxQueued?: number;
  /** Refusals a socket may collect, as a bucket: once it is empty the socket is disconnected. */
  readonly refusals?: Rate;
}

/**
 * The defaults: generous for people (20 events a second, 40 at once, per socket), tight for
 * scripts that flood. A user gets twice a socket's rate over all their tabs.
 */
export const DEFAULT_FLOW_CONTROL = {
  socket: { rate: 20, burst: 40 },
  user: { rate: 40, burst: 80 },
  events: {},
  maxQueued: 64,
  refusals: { rate: 2, burst: 20 },
} as const satisfies Required<FlowControlOptions>;

/** A token bucket, refilled lazily from the clock when it is asked. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly limit: Rate,
    private readonly now: () => number = monotonicSeconds,
  ) {
    if (!(limit.rate > 0) || !(limit.burst >= 1)) throw new RangeError(`a rate limit needs rate > 0 and burst >= 1 (got ${limit.rate}/${limit.burst})`);
    this.tokens = limit.burst;
    this.last = now();
  }

  /** Takes one token; false when there is none left. */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Puts back a token taken for an event that was refused by a later check. */
  giveBack(): void {
    this.tokens = Math.min(this.limit.burst, this.tokens + 1);
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.limit.burst, this.tokens + (now - this.last) * this.limit.rate);
    this.last = now;
  }
}

function monotonicSeconds(): number {
  return performance.now() / 1000;
}

/** Why an event was refused: the sentence the client gets with a 429. */
export type Refusal = string;

/** The flow control of one socket (a gate each of its events passes). */
export interface SocketGate {
  /**
   * Admits an event or says why not. An admitted event counts as queued until {@link done};
   * a refused one counts against the socket's refusals.
   */
  admit(event: string): Refusal | undefined;
  /** An admitted event has finished. */
  done(): void;
  /** The socket has been refused more than it may be: disconnect it. */
  readonly exhausted: boolean;
  /** The user is known (after the handshake, or once announced): their bucket applies from now on. */
  identify(userKey: string): void;
  /** The socket is gone: forget it. */
  close(): void;
}

interface UserBucket {
  readonly bucket: TokenBucket;
  sockets: number;
}

/** Flow control for one namespace: hands out a gate per socket, shares buckets per user. */
export class FlowControl {
  private readonly options: Required<FlowControlOptions>;
  /** Per-event limits by event name. A Map: event names come from clients, and `constructor` is one. */
  private readonly eventLimits: ReadonlyMap<string, Rate>;
  private readonly users = new Map<string, UserBucket>();

  constructor(options: FlowControlOptions = {}, private readonly now: () => number = monotonicSeconds) {
    const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as FlowControlOptions;
    this.options = { ...DEFAULT_FLOW_CONTROL, ...given };
    if (!(this.options.maxQueued >= 1)) throw new RangeError(`maxQueued must be at least 1 (got ${this.options.maxQueued})`);
    this.eventLimits = new Map(Object.entries(this.options.events));
  }

  /** The gate of a new socket; `userKey` when the user is already known. */
  open(userKey?: string): SocketGate {
    const { socket, maxQueued, refusals } = this.options;
    const eventLimits = this.eventLimits;
    const own = socket === false ? undefined : new TokenBucket(socket, this.now);
    const perEvent = new Map<string, TokenBucket>();
    const strikes = new TokenBucket(refusals, this.now);
    let user: UserBucket | undefined;
    let queued = 0;
    let exhausted = false;
    const users = this.users;
    const userLimit = this.options.user;
    const now = this.now;

    const refuse = (why: Refusal): Refusal => {
      if (!strikes.take()) exhausted = true;
      return why;
    };
    const gate: SocketGate = {
      admit(event) {
        if (queued >= maxQueued) return refuse(`too many events waiting (${maxQueued}): wait for answers before sending more`);
        const eventLimit = eventLimits.get(event);
        let eventBucket = perEvent.get(event);
        if (eventLimit && !eventBucket) perEvent.set(event, (eventBucket = new TokenBucket(eventLimit, now)));
        // Cheapest refusal first; a token taken by an earlier bucket is given back when a later one refuses.
        if (own && !own.take()) return refuse(`rate limit: at most ${rateText(socket as Rate)} per connection`);
        if (eventBucket && !eventBucket.take()) {
          own?.giveBack();
          return refuse(`rate limit: at most ${rateText(eventLimit!)} for '${event}'`);
        }
        if (user && !user.bucket.take()) {
          own?.giveBack();
          eventBucket?.giveBack();
          return refuse(`rate limit: at most ${rateText(userLimit as Rate)} per user`);
        }
        queued += 1;
        return undefined;
      },
      done() {
        queued = Math.max(0, queued - 1);
      },
      get exhausted() {
        return exhausted;
      },
      identify(key) {
        if (user || userLimit === false) return;
        user = users.get(key);
        if (!user) users.set(key, (user = { bucket: new TokenBucket(userLimit, now), sockets: 0 }));
        user.sockets += 1;
        const entry = user;
        gate.close = () => {
          entry.sockets -= 1;
          if (entry.sockets === 0) users.delete(key);
          gate.close = () => undefined;
        };
      },
      close() {},
    };
    if (userKey) gate.identify(userKey);
    return gate;
  }

  /** Users with a bucket now (for tests and metrics). */
  get trackedUsers(): number {
    return this.users.size;
  }
}

function rateText(limit: Rate): string {
  return `${limit.rate} events/s (burst ${limit.burst})`;
}
