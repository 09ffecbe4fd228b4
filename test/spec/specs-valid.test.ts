/** Every spec passes the AsyncAPI parser and the Parley conventions, and every example fits its schema. */
import { describe, expect, it } from 'vitest';
import { checkConventions, checkWithParser, formatDiagnostic } from '../../src/spec/check.js';
import { SpecValidators } from '../../src/spec/payloads.js';
import { loadSpec, PROTOCOLS } from '../helpers/specs.js';

describe.each(PROTOCOLS)('%s spec', (protocol) => {
  const { source, model } = loadSpec(protocol);

  it('parses with @asyncapi/parser with no error and no warning', async () => {
    const problems = (await checkWithParser(source)).filter((d) => d.severity !== 'info');
    expect(problems.map(formatDiagnostic)).toEqual([]);
  });

  it('follows the conventions (x-socketio vocabulary, references, request and payload fields)', () => {
    expect(checkConventions(source).map(formatDiagnostic)).toEqual([]);
  });

  const validators = new SpecValidators(model);
  const withExamples = model.namespaces.flatMap((ns) => ns.events).filter((e) => e.examples.length > 0);

  it('has examples for most of its events', () => {
    const events = new Set(model.namespaces.flatMap((ns) => ns.events).map((e) => e.key));
    expect(new Set(withExamples.map((e) => e.key)).size / events.size).toBeGreaterThanOrEqual(0.75);
  });

  it.each(withExamples.flatMap((e) => e.examples.map((x, i) => [`${e.channelKey} ${e.name} #${i} ${x.name ?? ''}`, e, x] as const)))(
    'example %s validates against its payload schema',
    (_label, event, example) => {
      expect(validators.check(event, example.payload)).toEqual([]);
    },
  );
});
