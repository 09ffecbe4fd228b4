/**
 * Knowing when a server is done with a socket's events: an event no spec declares is answered
 * with the error event, in order with the socket's other events (CONVENTIONS.md §5), so once its
 * answer is back, everything the earlier events caused on that socket has arrived. Where the
 * error payload does not carry the event's name, a quiet period stands in.
 */
import { failurePath, type NamespaceSpec } from '../runtime/namespace-spec.js';
import { getPath } from '../spec/paths.js';
import type { TabSocket } from './clients.js';

let count = 0;

/** The path of `$error.event` in a namespace's error payload, if the spec maps it. */
const eventField = (spec: NamespaceSpec) => failurePath(spec.errorFields, 'event');

export type BarrierResult = 'answered' | 'disconnected' | 'timeout';

/** Whether a received event is the answer to one of the runner's barriers (never part of a trace). */
export function isBarrierAnswer(spec: NamespaceSpec, event: string, payload: unknown): boolean {
  const path = eventField(spec);
  return event === spec.errorEvent && path !== undefined && String(getPath(payload, path)).startsWith('parley-barrier-');
}

/** Sends a barrier on a socket and waits for its answer (removed from the log). */
export function barrier(socket: TabSocket, spec: NamespaceSpec, timeoutMs: number, quietMs = 150): Promise<BarrierResult> {
  const path = eventField(spec);
  const s = socket.socket;
  if (!s.connected) return Promise.resolve('disconnected');
  if (!path) return new Promise((resolve) => setTimeout(() => resolve(s.connected ? 'answered' : 'disconnected'), quietMs));
  const name = `parley-barrier-${++count}`;
  return new Promise((resolve) => {
    const finish = (result: BarrierResult) => {
      clearTimeout(timer);
      s.off(spec.errorEvent, onError);
      s.off('disconnect', onDisconnect);
      // The answer is the runner's, not the server's behaviour under test.
      const i = socket.log.findIndex((r) => isBarrierAnswer(spec, r.event, r.payload) && getPath(r.payload, path) === name);
      if (i >= 0) socket.log.splice(i, 1);
      resolve(result);
    };
    const onError = (payload: unknown) => {
      if (getPath(payload, path) === name) setImmediate(() => finish('answered'));
    };
    const onDisconnect = () => finish('disconnected');
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    s.on(spec.errorEvent, onError);
    s.on('disconnect', onDisconnect);
    s.emit(name, {});
  });
}
