/** A namespace's handshake: missing, malformed, forged and expired credentials, and namespaces in the wrong order, refused as the spec says. */
import { ERROR_STATUS, type ErrorKind } from '../../runtime/errors.js';
import { failurePath } from '../../runtime/namespace-spec.js';
import { getPath } from '../../spec/paths.js';
import type { CaseSpec } from '../cases.js';
import { RefusedError, Tab } from '../clients.js';
import type { CaseRunner } from '../runner.js';
import { caseUsers, Mismatch } from '../scenario.js';

export async function handshakeCase(runner: CaseRunner, c: CaseSpec): Promise<string> {
  const { actor } = caseUsers(runner.users);
  const spec = runner.world.specs.find((s) => s.path === c.namespace)!;
  const credentials = runner.world.credentials;
  const before = c.variant.startsWith('before ');
  const expectedKind: ErrorKind = before ? spec.requiresOnline!.kind : 'unauthenticated';
  // The credential the case sends: a valid one (before its presence namespace), none, or a bad token.
  const bad = c.variant === 'malformed token' ? 'malformed' : c.variant === 'bad signature' ? 'badSignature' : 'expired';
  const token = before ? undefined : c.variant === 'no credential' ? null : await credentials.badToken(actor, bad);
  const parts = await credentials.handshake(actor, spec, token);
  const tab = Tab.bare(actor, `${actor.label}#1`, parts, { url: runner.world.url, timeoutMs: runner.world.timeoutMs });
  try {
    await tab.connect(spec, parts.auth);
    throw new Mismatch(`${c.namespace} accepted a handshake with ${c.variant}`, []);
  } catch (error) {
    if (!(error instanceof RefusedError)) throw error;
    const r = error.refusal;
    const status = ERROR_STATUS[expectedKind];
    if (spec.onFailure === 'connectError' && !before) {
      if (r.kind !== 'connectError') throw new Mismatch(`${c.variant}: expected connect_error (status ${status}), got ${r.kind}: ${r.message}`, []);
      const got = getPath(r.data, ['status']);
      if (String(got) !== String(status)) throw new Mismatch(`${c.variant}: connect_error's data.status is ${JSON.stringify(got)}, the spec says ${status}`, []);
    } else {
      if (r.kind !== 'errorEvent') throw new Mismatch(`${c.variant}: expected ${spec.errorEvent} (status ${status}) and a disconnect, got ${r.kind}: ${r.message}`, []);
      const invalid = runner.world.validate(spec.path, 'server', spec.errorEvent, r.data)[0];
      if (invalid) throw new Mismatch(`${c.variant}: ${spec.errorEvent} does not match its schema: ${invalid.field ? `${invalid.field}: ` : ''}${invalid.message}`, []);
      const field = failurePath(spec.errorFields, 'status');
      const got = field ? getPath(r.data, field) : status;
      if (String(got) !== String(status)) throw new Mismatch(`${c.variant}: ${spec.errorEvent}'s status is ${JSON.stringify(got)}, the spec says ${status} (${expectedKind})`, []);
    }
    return `${c.variant} was refused with ${status}`;
  } finally {
    tab.close();
  }
}

