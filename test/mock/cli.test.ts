/** `parley mock`: its help, its usage errors, and a real process serving a protocol until SIGINT. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { mockToken } from '../../mock-server/index.js';
import { projectRoot } from '../../src/spec/files.js';
import { mockCommand, parseRate } from '../../src/cli/mock.js';
import { nextEvent } from '../helpers/net.js';

const bin = join(projectRoot, 'bin/parley.js');
const children: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('parley mock', () => {
  /** Runs `parley …` in this process, capturing what it prints. */
  async function run(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const status = await main(args);
      return { status, stdout: log.mock.calls.map((c) => c.join(' ')).join('\n'), stderr: error.mock.calls.map((c) => c.join(' ')).join('\n') };
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
  }

  it('--help describes every option', async () => {
    const { stdout, status } = await run(['mock', '--help']);
    expect(status).toBe(0);
    for (const option of ['--protocol', '--spec', '--port', '--host', '--seed', '--now', '--stateless', '--chatter', '--latency', '--drop', '--fill', '--auth', '--log-level', '--log-format', '--help']) {
      expect(stdout, option).toContain(option);
    }
    expect(stdout).toBe(mockCommand.help);
    expect((await run(['--help'])).stdout).toMatch(/mock\s+run a spec-driven Socket\.IO mock server/);
  });

  it.each([
    ['an unknown protocol', ['--protocol', 'nope'], /unknown protocol 'nope'/],
    ['a drop rate above 1', ['--drop', '3'], /--drop: '3' must be a number from 0 to 1/],
    ['a bad rate', ['--chatter', 'often'], /--chatter: 'often' is not a rate/],
    ['a bad auth mode', ['--auth', 'none'], /--auth: 'none' must be jwt or trust/],
    ['a bad time', ['--now', 'yesterday'], /--now: 'yesterday' is not an ISO 8601 time/],
    ['an unknown option', ['--nope'], /Unknown option '--nope'/],
  ])('refuses %s with exit status 2', async (_name, args, message) => {
    const { stderr, status } = await run(['mock', ...args]);
    expect(status).toBe(2);
    expect(stderr).toMatch(message);
  });

  it.each([
    ['0.5', 0.5],
    ['2/s', 2],
    ['12/min', 0.2],
    ['30 / m', 0.5],
  ])('reads the chatter rate %s as %d per second', (text, rate) => {
    expect(parseRate(text)).toBeCloseTo(rate);
  });

  it('serves a protocol, prints its addresses, and stops on SIGINT with status 0', async () => {
    const child = spawn(process.execPath, [bin, 'mock', '--protocol', 'messenger', '--port', '0', '--seed', '3', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no address printed: ${out}`)), 30_000);
      child.stdout!.on('data', () => {
        const m = /messenger\s+(http:\/\/127\.0\.0\.1:\d+)\s+playground (\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          expect(m[2]).toBe(`${m[1]}/_mock/playground/`);
          resolve(m[1]!);
        }
      });
    });
    expect(out).toMatch(/seed 3, fixed clock from 2025-01-06T09:00:00.000Z/);
    const socket = io(url, { auth: { token: mockToken({ sub: 'u-ada' }) }, transports: ['websocket'], reconnection: false });
    const message = nextEvent<Record<string, unknown>>(socket, 'newMessage', 10_000);
    socket.emit('sendMessage', { messageid: 'c-1', senderid: 'u-ada', receiverid: 'u-grace', message: 'from a test' });
    expect(await message).toMatchObject({ message: 'from a test', createdAt: expect.stringMatching(/^2025-01-06T09:00/) });
    const page = await fetch(`${url}/_mock/playground/`);
    expect(await page.text()).toContain('<title>Parley mock playground</title>');
    socket.close();
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('started by npm, stops when the shell npm signals goes (no orphan left listening)', async () => {
    // npm runs a bin under `sh -c`, signals the shell on SIGTERM, and the shell does not pass it on.
    const shell = spawn('sh', ['-c', `"${process.execPath}" "${bin}" mock --protocol messenger --port 0 --log-level warn & echo "pid $!"; wait`], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, npm_command: 'exec' },
    });
    children.push(shell);
    let out = '';
    shell.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    const pid = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the mock did not start: ${out}`)), 30_000);
      shell.stdout!.on('data', () => {
        const m = /pid (\d+)/.exec(out);
        if (m && /messenger\s+http/.test(out)) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
    });
    shell.kill('SIGKILL');
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const deadline = Date.now() + 10_000;
    while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(alive()).toBe(false);
  });
});
