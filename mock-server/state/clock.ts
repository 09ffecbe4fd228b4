/**
 * The mock's time. Real by default; fixed (starting at a given instant and advancing one second
 * per event) when sessions must be reproducible: with a fixed clock, the same seed and the same
 * client actions give byte-identical responses, timestamps included.
 */
export class Clock {
  private current: number;
  private readonly fixed: boolean;
  private readonly start: number;

  /** @param start the first instant of a fixed clock; undefined for the real clock. */
  constructor(start?: number) {
    this.fixed = start !== undefined;
    this.start = start ?? Date.now();
    this.current = this.start;
  }

  /** Whether time advances only with events. */
  get isFixed(): boolean {
    return this.fixed;
  }

  /** Moves to the time of a new event: the next second when fixed, else the real time (never backwards). */
  tick(): number {
    this.current = this.fixed ? this.current + 1000 : Math.max(Date.now(), this.current + 1);
    return this.current;
  }

  /** The time of the current event, in milliseconds since the epoch. */
  now(): number {
    return this.current;
  }

  /** The time of the current event as an ISO 8601 string. */
  iso(): string {
    return new Date(this.current).toISOString();
  }

  /** A fresh clock in the same mode, back at its start. */
  restart(start?: number): Clock {
    return new Clock(start ?? (this.fixed ? this.start : undefined));
  }
}
