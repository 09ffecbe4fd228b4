/**
 * The one mapping of core refusals to protocol errors: kind, status and cause kept, the field
 * and message worded as each call's data says.
 */
import { describe, expect, it } from 'vitest';
import { ChatError } from '../../src/core/errors.js';
import { ProtocolError } from '../../src/runtime/errors.js';
import { refusing, toProtocolError, type Wording } from '../../src/server/refusals.js';

const refusal = (kind: ChatError['kind'], message: string, field?: string) =>
  new ChatError(kind, message, field === undefined ? {} : { field });

describe('toProtocolError', () => {
  const cases: Array<[string, { error: ChatError; wording?: Wording; want: { field?: string; message?: string } }]> = [
    ['no wording: the core field is dropped', { error: refusal('invalidPayload', 'text is long', 'text'), want: { field: undefined } }],
    [
      'a mapped field',
      { error: refusal('invalidPayload', 'text is long', 'text'), wording: { fields: { text: 'message' } }, want: { field: 'message' } },
    ],
    [
      'a mapped path keeps its rest',
      {
        error: refusal('invalidPayload', 'bad id', 'mediaIds.2'),
        wording: { fields: { mediaIds: 'messageMedias' } },
        want: { field: 'messageMedias.2' },
      },
    ],
    [
      'the call field when the core names none',
      { error: refusal('notFound', 'Message m not found'), wording: { field: 'chatid' }, want: { field: 'chatid' } },
    ],
    [
      'the call field over an unmapped core field',
      {
        error: refusal('invalidPayload', 'bytes empty', 'bytes'),
        wording: { fields: { text: 'message' }, field: 'file' },
        want: { field: 'file' },
      },
    ],
    [
      'a mapped field over the call field',
      {
        error: refusal('invalidPayload', 'text is long', 'text'),
        wording: { fields: { text: 'message' }, field: 'file' },
        want: { field: 'message' },
      },
    ],
    [
      'the call field only for its kinds',
      {
        error: refusal('forbidden', 'Only the sender'),
        wording: { field: 'message_id', fieldKinds: ['notFound'] },
        want: { field: undefined },
      },
    ],
    [
      'the call field for one of its kinds',
      {
        error: refusal('notFound', 'Message m not found'),
        wording: { field: 'message_id', fieldKinds: ['notFound'] },
        want: { field: 'message_id' },
      },
    ],
    ['unmapped kept', { error: refusal('invalidPayload', 'text is long', 'text'), wording: { unmapped: 'keep' }, want: { field: 'text' } }],
    [
      'no prototype keys as fields',
      { error: refusal('invalidPayload', 'odd', 'constructor'), wording: { fields: { text: 'message' } }, want: { field: undefined } },
    ],
    [
      'the message reworded',
      {
        error: refusal('notFound', 'Conversation c1 not found'),
        wording: { message: (e) => e.message.replace('Conversation', 'Room') },
        want: { message: 'Room c1 not found' },
      },
    ],
  ];

  it.each(cases)('%s', (_name, { error, wording, want }) => {
    const mapped = toProtocolError(error, wording);
    expect(mapped).toBeInstanceOf(ProtocolError);
    expect(mapped).toMatchObject({ kind: error.kind, status: error.status, cause: error, message: want.message ?? error.message });
    expect((mapped as ProtocolError).field).toBe(want.field);
  });

  it('returns anything else unchanged (the stub reports it as a 500)', () => {
    const bug = new TypeError('x is undefined');
    expect(toProtocolError(bug, { field: 'a' })).toBe(bug);
  });
});

describe('refusing', () => {
  it('resolves with the work, and rethrows a refusal in the protocol terms', async () => {
    expect(await refusing(async () => 42)).toBe(42);
    await expect(refusing(() => Promise.reject(refusal('forbidden', 'no')), { field: 'room' })).rejects.toMatchObject({
      name: 'ProtocolError',
      kind: 'forbidden',
      status: 403,
      field: 'room',
    });
  });
});
