/** `parley validate` as a user runs it: real process, real files, exit codes and messages. */
import { execFile } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', ['bin/parley.js', ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

describe('parley validate', () => {
  it('reports zero errors for all four specs, with counts per spec', async () => {
    const { code, stdout } = await run('validate');
    expect(code).toBe(0);
    for (const protocol of ['marketplace', 'messenger', 'rooms', 'teamchat']) {
      expect(stdout).toMatch(new RegExp(`✓ asyncapi/${protocol}\\.yaml: \\d+ channel\\(s\\), \\d+ operation\\(s\\), \\d+ message\\(s\\), 0 error\\(s\\), 0 warning\\(s\\)`));
    }
    expect(stdout).toContain('4 of 4 spec(s) valid');
  });

  it('rejects a broken spec, naming file, line, path and problem', async () => {
    const { code, stdout } = await run('validate', 'test/fixtures/broken.yaml');
    expect(code).toBe(1);
    const lines = stdout.split('\n');
    const find = (text: string) => lines.find((l) => l.includes(text));
    // An unknown recipient keyword, at the line of the emit's `to`.
    expect(find("x-socketio-schema")).toMatch(/broken\.yaml:\d+: error x-socketio-schema: .*\(at operations\.onHello\.x-socketio\.emits\[0\]\.to\)/);
    // A typo in a request field.
    expect(find('unknown-request-field')).toMatch(/broken\.yaml:35: error unknown-request-field: \$request\.nmae: the request has no field 'nmae'/);
    // A client event with no sequence.
    expect(find('missing-sequence')).toMatch(/broken\.yaml:36: error missing-sequence: receive operation 'onHi'/);
    // A comma in a flow mapping that made an unknown schema keyword.
    expect(find('error schema')).toMatch(/unknown keyword: "please"/);
  });

  it('points at the line of a YAML syntax error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'asyncapi: 3.1.0\ninfo:\n  title: [unclosed\n');
    const { code, stdout } = await run('validate', file);
    expect(code).toBe(1);
    expect(stdout).toMatch(/bad\.yaml:\d+: error read: invalid YAML/);
  });

  it('explains itself with --help, and refuses unknown options', async () => {
    const help = await run('validate', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: parley validate');
    const bad = await run('validate', '--frobnicate');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Run 'parley validate --help'");
  });
});

describe('parley generate --check', () => {
  it('passes on the committed generated/ and names every stale file in another folder', async () => {
    const ok = await run('generate', '--check');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/generated\/ is up to date/);

    const dir = mkdtempSync(join(tmpdir(), 'parley-gen-'));
    expect((await run('generate', '--out', dir, 'asyncapi/messenger.yaml')).code).toBe(0);
    writeFileSync(join(dir, 'messenger/types.ts'), '// edited by hand\n');
    writeFileSync(join(dir, 'messenger/stray.ts'), '// not generated\n');
    const stale = await run('generate', '--check', '--out', dir, 'asyncapi/messenger.yaml');
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('changed: messenger/types.ts');
    expect(stale.stderr).toContain('extra:   messenger/stray.ts');
    expect(stale.stderr).toContain("Run 'npm run generate'");
  });

  it('refuses a spec that breaks the conventions, naming the problem and its line', async () => {
    const bad = await run('generate', '--out', mkdtempSync(join(tmpdir(), 'parley-gen-')), 'test/fixtures/broken.yaml');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/broken\.yaml:\d+: error missing-sequence/);
  });
});

describe('parley generate --watch', () => {
  it('regenerates a spec when it changes', async () => {
    const { spawn } = await import('node:child_process');
    const { readFileSync, copyFileSync, existsSync } = await import('node:fs');
    const dir = mkdtempSync(join(tmpdir(), 'parley-watch-'));
    const spec = join(dir, 'minimal.yaml');
    copyFileSync('test/fixtures/generator/minimal.yaml', spec);
    const child = spawn('node', ['bin/parley.js', 'generate', '--watch', '--out', join(dir, 'out'), spec]);
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    try {
      const types = join(dir, 'out/minimal/types.ts');
      await waitUntil(() => output.includes('watching') && existsSync(types), 20_000);
      writeFileSync(spec, readFileSync(spec, 'utf8').replace('A pong, echoing the ping', 'A pong that echoes the ping'));
      await waitUntil(() => readFileSync(types, 'utf8').includes('A pong that echoes the ping'), 20_000);
    } finally {
      child.kill();
    }
  }, 60_000);
});

async function waitUntil(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
