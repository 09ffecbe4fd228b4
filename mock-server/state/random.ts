/**
 * Seeded pseudo-random numbers. Every random choice the mock makes comes from a {@link Random}
 * derived from the mock's seed, so that the same seed and the same client actions give the same
 * responses.
 */

/** A 32-bit hash of strings and numbers (FNV-1a), to derive independent streams from one seed. */
export function hash32(...parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const s = typeof part === 'number' ? `#${part}` : part;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0xff;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Mulberry32: small, fast and good enough for test data.
 *
 * @example
 * const rng = new Random(42);
 * rng.int(6); // 0..5, the same for every run with seed 42
 */
export class Random {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n), or in [min, max] with two arguments. */
  int(n: number, max?: number): number {
    if (max === undefined) return Math.floor(this.next() * n);
    return n + Math.floor(this.next() * (max - n + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(list: readonly T[]): T {
    if (list.length === 0) throw new Error('pick from an empty list');
    return list[this.int(list.length)]!;
  }

  /** `n` lowercase hexadecimal digits. */
  hex(n: number): string {
    let out = '';
    // Eight digits per draw.
    while (out.length < n) out += Math.floor(this.next() * 4294967296).toString(16).padStart(8, '0');
    return out.slice(0, n);
  }

  /** `n` letters and digits. */
  alnum(n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += ALNUM[this.int(ALNUM.length)];
    return out;
  }

  /** A new stream, independent of this one's future draws, named by `label`. */
  fork(label: string | number): Random {
    return new Random(hash32(this.seed, label));
  }
}
