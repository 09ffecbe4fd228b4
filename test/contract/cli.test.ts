/**
 * `parley test` as a CI job runs it: a real process against a real mock, its exit statuses
 * (0 passed, 1 a case failed, 2 usage or unreachable) and the report files it writes.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type MockServer } from '../../mock-server/index.js';
import { reproduction, testCommand } from '../../src/cli/test.js';
import { projectRoot } from '../../src/spec/files.js';
import { startSocketServer, type TestServer } from '../helpers/net.js';
import { specPath } from '../helpers/specs.js';

const bin = join(projectRoot, 'bin/parley.js');
const exec = promisify(execFile);

/** Runs `parley test …` as a child process: its status and output. */
async function parley(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [bin, 'test', ...args], { timeout: 120_000 });
    return { status: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { status: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('parley test', () => {
  let mock: MockServer;
  let silent: TestServer;
  const dir = mkdtempSync(join(tmpdir(), 'parley-test-cli-'));
  beforeAll(async () => {
    mock = await startMock({ spec: specPath('messenger'), port: 0 });
    // A Socket.IO server that accepts everyone and answers nothing: not a messenger server.
    silent = await startSocketServer();
  });
  afterAll(async () => {
    await mock.close();
    await silent.close();
  });

  it('--help lists every option and the exit statuses', async () => {
    const { status, stdout } = await parley(['--help']);
    expect(status).toBe(0);
    expect(stdout.trim()).toBe(testCommand.help);
    for (const option of ['--spec', '--url', '--jwt-secret', '--jwt-private-key', '--token-command', '--auth', '--seed', '--only', '--timeout', '--concurrency', '--junit', '--ctrf', '--json']) expect(stdout, option).toContain(option);
    expect(stdout).toMatch(/0 when every case passed, 1 when any failed, 2 on a usage error/);
  });

  it('exits 0 against a conforming server and writes the JUnit, CTRF and JSON reports', async () => {
    const files = { junit: join(dir, 'r.xml'), ctrf: join(dir, 'r.ctrf.json'), json: join(dir, 'r.json') };
    const { status, stdout } = await parley(['--spec', 'messenger', '--url', mock.url, '--seed', '3', '--only', 'sendMessage,handshake', '--junit', files.junit, '--ctrf', files.ctrf, '--json', files.json]);
    expect(status, stdout).toBe(0);
    expect(stdout).toMatch(/score 100\.0%/);
    const json = JSON.parse(readFileSync(files.json, 'utf8')) as { summary: { total: number; passed: number; failed: number }; cases: { id: string; status: string }[] };
    expect(json.summary.failed).toBe(0);
    expect(json.summary.passed).toBe(json.summary.total);
    expect(json.cases.map((c) => c.id)).toContain('messenger./.sendMessage.sequence.first');
    expect(readFileSync(files.junit, 'utf8')).toMatch(new RegExp(`<testsuites[^>]* tests="${json.summary.total}" failures="0"`));
    const ctrf = JSON.parse(readFileSync(files.ctrf, 'utf8')) as { results: { summary: { tests: number; passed: number } } };
    expect(ctrf.results.summary).toMatchObject({ tests: json.summary.total, passed: json.summary.total });
  }, 120_000);

  it('exits 1 when a case fails, printing the failure and how to reproduce it', async () => {
    const { status, stdout } = await parley(['--spec', 'messenger', '--url', silent.url, '--seed', '3', '--only', '*.handshake.*', '--timeout', '300']);
    expect(status).toBe(1);
    expect(stdout).toMatch(/FAIL messenger\.\/\.handshake\.handshake\.no-credential/);
    expect(stdout).toMatch(/reproduce: parley test .*--seed 3 --only messenger\.\/\.handshake\.handshake\.no-credential/);
  }, 60_000);

  it('reproduction lines leave out --only, --seed and the secret (reports end up in CI logs)', () => {
    expect(reproduction(['--spec', 'messenger', '--url', 'http://h:1', '--jwt-secret', 'topsecret-0123456789', '--seed', '3', '--only', 'x'])).toBe('parley test --spec messenger --url http://h:1 --jwt-secret "$JWT_SECRET"');
    expect(reproduction(['--jwt-secret=topsecret-0123456789', '--seed=4', '--only=x', '--token-command', "get-token --for it's"])).toBe(`parley test --jwt-secret="$JWT_SECRET" --token-command 'get-token --for it'\\''s'`);
  });

  it('exits 2 when the server cannot be reached, or the command is misused', async () => {
    const unreachable = await parley(['--spec', 'messenger', '--url', 'http://127.0.0.1:9', '--timeout', '500']);
    expect(unreachable.status).toBe(2);
    expect(unreachable.stderr).toMatch(/does not answer/);
    const misuses = [['--url', mock.url], ['--spec', 'messenger'], ['--spec', 'no-such-spec.yaml', '--url', mock.url], ['--spec', 'messenger', '--url', 'ftp://x'], ['--spec', 'messenger', '--url', mock.url, '--seed', 'x'], ['--spec', 'messenger', '--url', mock.url, '--jwt-secret', 'short']];
    const runs = await Promise.all(misuses.map((args) => parley(args)));
    runs.forEach(({ status, stderr }, i) => {
      expect(status, misuses[i]!.join(' ')).toBe(2);
      expect(stderr).toMatch(/Run 'parley test --help'/);
    });
  }, 60_000);
});
