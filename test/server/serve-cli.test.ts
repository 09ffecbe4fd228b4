/** `parley serve` as a user runs it: a real process, the printed addresses, health, graceful stop. */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectMessenger } from '../../generated/messenger/client.js';
import { mintToken } from '../../src/auth/tokens.js';
import { DEV_SECRET } from '../../src/auth/keys.js';
import { loadSpec } from '../helpers/specs.js';
import { waitFor } from '../helpers/net.js';

describe('parley serve', () => {
  it('serves a protocol on SQLite, answers health, accepts a dev token, and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-serve-'));
    const child = spawn('node', ['bin/parley.js', 'serve', '--protocol', 'messenger', '--port', '0', '--db', `sqlite:${join(dir, 'p.db')}`, '--media-dir', join(dir, 'media')], {
      env: { ...process.env, LOG_LEVEL: 'warn', PARLEY_JWT_SECRET: '' },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      // The start banner ends with how to get a token; wait for all of it (stdout comes in chunks).
      await waitFor(() => /messenger\s+http:\/\/127\.0\.0\.1:\d+/.test(out) && out.includes('Get a token'), 'the printed addresses', 30_000);
      const url = /messenger\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
      expect(out).toContain('npx parley token --protocol messenger');
      const health = await fetch(`${url}/healthz`);
      expect(await health.json()).toEqual({ status: 'ok', protocol: 'messenger', database: 'sqlite' });

      const token = await mintToken(loadSpec('messenger').model, { algorithm: 'HS256', secret: DEV_SECRET }, { user: 'u-ada' });
      const client = connectMessenger(url, { auth: { token }, socket: { transports: ['websocket'], reconnection: false } });
      await client.ready();
      client.close();
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 60_000);

  it('explains itself, and refuses what it cannot do', async () => {
    const run = (...args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const c = spawn('node', ['bin/parley.js', ...args]);
        let stdout = '';
        let stderr = '';
        c.stdout.on('data', (d) => (stdout += d));
        c.stderr.on('data', (d) => (stderr += d));
        c.on('exit', (code) => resolve({ code, stdout, stderr }));
      });
    const help = await run('serve', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--auth MODE');
    const twoPorts = await run('serve', '--port', '5000');
    expect(twoPorts.code).toBe(2);
    expect(twoPorts.stderr).toContain('--port goes with a single --protocol');
    const unknown = await run('serve', '--protocol', 'irc');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown protocol 'irc'");
  }, 60_000);
});
