/** The generated client's `auth` option type, from where the handshake reads credentials (CONVENTIONS.md §2.1). */
import { credentialSource } from '../../spec/namespace-spec.js';
import type { HandshakeExt } from '../../spec/vocabulary.js';

/**
 * The type of the `auth` a client sends: the token's key, or trust mode's user id key.
 *
 * @example clientAuthType({ jwt: { token: ['auth.token'], … }, trust: { userId: 'auth.userid' }, onFailure: 'connectError' })
 *   // '{ token: string } | { userid: string }'
 */
export function clientAuthType(h: HandshakeExt): string {
  const token = (h.jwt?.token ?? []).map(credentialSource).find((s) => s.in === 'auth');
  const trust = h.trust?.userId ? credentialSource(h.trust.userId) : undefined;
  const types = [token, trust?.in === 'auth' ? trust : undefined].filter((s) => s !== undefined).map((s) => `{ ${s.name}: string }`);
  return types.length ? types.join(' | ') : 'Record<string, unknown>';
}
