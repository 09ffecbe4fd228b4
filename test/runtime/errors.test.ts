/**
 * The runtime's errors are recognised across its copies: a handler of the reference servers
 * throws the ProtocolError of src/runtime while the generated stub it runs under catches with the
 * one of generated/runtime, and both must see a protocol failure (not an internal error).
 */
import { describe, expect, it } from 'vitest';
import * as generated from '../../generated/runtime/errors.js';
import * as source from '../../src/runtime/errors.js';

describe('runtime errors across copies', () => {
  it('recognises a ProtocolError of either copy with the other', () => {
    expect(new source.ProtocolError('forbidden', 'no')).toBeInstanceOf(generated.ProtocolError);
    expect(new generated.ProtocolError('notFound', 'gone')).toBeInstanceOf(source.ProtocolError);
    expect(new source.PayloadError('e', [], 'client')).toBeInstanceOf(generated.PayloadError);
  });

  it('keeps the classes apart, and other errors out', () => {
    expect(new source.ProtocolError('forbidden', 'no')).not.toBeInstanceOf(generated.PayloadError);
    expect(new source.PayloadError('e', [], 'server')).not.toBeInstanceOf(source.ProtocolError);
    for (const other of [new Error('x'), { status: 403, kind: 'forbidden' }, null, 'ProtocolError']) {
      expect(other instanceof source.ProtocolError).toBe(false);
    }
  });

  it('is still an Error with its status', () => {
    const e = new generated.ProtocolError('rateLimited', 'slow down');
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({ name: 'ProtocolError', kind: 'rateLimited', status: 429, message: 'slow down' });
  });
});
