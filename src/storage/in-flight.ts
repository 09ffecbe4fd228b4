/**
 * Work in flight, so that a graceful close waits for it instead of cutting it off: the database
 * counts its queries and transactions, the chat core its whole operations (which span several).
 */
import { DatabaseClosedError } from './errors.js';

export class InFlight {
  readonly #running = new Set<Promise<unknown>>();

  /** Runs `work`, counted until it settles; refused once `closed()` says so. */
  track<T>(closed: boolean, work: () => Promise<T>): Promise<T> {
    if (closed) return Promise.reject(new DatabaseClosedError());
    const promise = (async () => work())(); // a synchronous throw becomes a rejection
    this.#running.add(promise);
    const forget = () => this.#running.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  /** Resolves once nothing is running, including work started while waiting. */
  async drained(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }
}
