/**
 * templates/ as an @asyncapi/generator template (the 2.x line, which runs on Node 20): the
 * AsyncAPI tooling produces the same files as `parley generate`, offline, installing nothing.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedDir } from '../../src/generator/generate.js';
import { projectRoot } from '../../src/spec/files.js';

const require = createRequire(import.meta.url);

describe('@asyncapi/generator with templates/', () => {
  it('renders the messenger spec to the same files as parley generate', async () => {
    const Generator = require('@asyncapi/generator') as new (template: string, out: string, options: object) => { generateFromString(text: string): Promise<void> };
    const out = mkdtempSync(join(tmpdir(), 'parley-asyncapi-generator-'));
    const generator = new Generator(join(projectRoot, 'templates'), out, { forceWrite: true, install: false });
    await generator.generateFromString(readFileSync(join(projectRoot, 'asyncapi/messenger.yaml'), 'utf8'));

    expect(readdirSync(join(out, 'runtime')).sort()).toEqual(readdirSync(join(generatedDir, 'runtime')).sort());
    expect(readdirSync(join(out, 'protocol')).sort()).toEqual(readdirSync(join(generatedDir, 'messenger')).sort());
    const same = (generated: string, viaGenerator: string) =>
      expect(readFileSync(viaGenerator, 'utf8')).toBe(readFileSync(generated, 'utf8').replaceAll('asyncapi/messenger.yaml', 'asyncapi.yaml'));
    for (const f of readdirSync(join(out, 'runtime'))) same(join(generatedDir, 'runtime', f), join(out, 'runtime', f));
    for (const f of readdirSync(join(out, 'protocol'))) same(join(generatedDir, 'messenger', f), join(out, 'protocol', f));
  }, 60_000);
});
