/** The ProtocolError an action throws, as plain data, for the behaviour model's tests. */
import { ProtocolError } from '../../src/runtime/errors.js';

export function refusal(action: () => unknown): { kind: string; status: number; message: string; field?: string } {
  try {
    action();
  } catch (e) {
    if (e instanceof ProtocolError) return { kind: e.kind, status: e.status, message: e.message, field: e.field };
    throw e;
  }
  throw new Error('nothing was thrown');
}
