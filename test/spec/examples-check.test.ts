/**
 * `parley validate` checks every example against its schema (a spec changed without its examples
 * fails, naming the example), and compiles inline payloads that `$ref` component schemas, as a
 * team's own spec is written.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkConventions } from '../../src/spec/check.js';
import { parseSpecText } from '../../src/spec/source.js';
import { specPath } from '../helpers/specs.js';

const messenger = readFileSync(specPath('messenger'), 'utf8');

/** The conventions' errors of messenger's spec with one edit. */
function errorsOf(edit: (text: string) => string): { code: string; message: string; path: string; line?: number }[] {
  const text = edit(messenger);
  expect(text).not.toBe(messenger);
  return checkConventions(parseSpecText(text, 'edited.yaml'))
    .filter((d) => d.severity === 'error')
    .map((d) => ({ code: d.code, message: d.message, path: d.path.join('.'), line: d.line }));
}

describe('examples', () => {
  it('the four specs: every example fits its schema', () => {
    for (const protocol of ['messenger', 'rooms', 'marketplace', 'teamchat']) {
      const source = parseSpecText(readFileSync(specPath(protocol), 'utf8'), `${protocol}.yaml`);
      expect(checkConventions(source).filter((d) => d.code === 'invalid-example')).toEqual([]);
    }
  });

  it('a required field added to a payload, its example left as it was: refused at the example', () => {
    const errors = errorsOf((t) => t.replace('      required: [messageid, senderid, receiverid, message]\n', '      required: [messageid, senderid, receiverid, message, priority]\n'));
    const found = errors.filter((e) => e.code === 'invalid-example');
    expect(found.map((e) => e.path)).toEqual(['components.messages.sendMessage.examples.0.payload']);
    expect(found[0]!.message).toMatch(/example .* of message sendMessage does not fit its schema: .*priority/);
    expect(found[0]!.line).toBeGreaterThan(300);
  });

  it('an example of the wrong type in a message whose payload is a $ref', () => {
    const errors = errorsOf((t) => t.replace('          payload: { receiverid: u-grace }', '          payload: { receiverid: 42 }'));
    expect(errors.filter((e) => e.code === 'invalid-example').map((e) => e.path)).toEqual(['components.messages.deliveredMessage.examples.0.payload']);
  });

  it('an example of a component schema', () => {
    const errors = errorsOf((t) => t.replace('    SendMessageRequest:\n      type: object\n', '    SendMessageRequest:\n      type: object\n      examples: [{ messageid: c-1 }]\n'));
    expect(errors.filter((e) => e.code === 'invalid-example').map((e) => [e.path, e.message])).toEqual([['components.schemas.SendMessageRequest.examples.0', expect.stringMatching(/example #0 of schema SendMessageRequest does not fit its schema/)]]);
  });
});

describe('inline payloads', () => {
  it('compile with $refs to component schemas (no "can\'t resolve reference")', () => {
    const errors = errorsOf((t) =>
      t.replace(
        "      payload: { $ref: '#/components/schemas/DeliveredMessage' }",
        "      payload:\n        type: object\n        required: [receiverid]\n        properties: { receiverid: { $ref: '#/components/schemas/UserId' } }\n        additionalProperties: false",
      ),
    );
    expect(errors).toEqual([]);
  });
});
