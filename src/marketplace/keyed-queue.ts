/**
 * Work run one at a time per key, in the order it was queued. Presence uses it per user: a
 * socket's "came online" must not be overtaken by another socket's "went offline" merely
 * because the first one's store lookups were slower.
 */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  /**
   * Runs `work` after everything queued before under `key` has settled; resolves (or rejects)
   * with its result.
   *
   * @example
   * await queue.run('vendor:5', async () => announce());
   */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(work);
    const tail = result.catch(() => undefined);
    this.#tails.set(key, tail);
    // Forget the key once idle, so the map holds only users with work in flight.
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}
