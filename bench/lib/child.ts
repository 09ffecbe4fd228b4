/**
 * The plumbing of scenarios that run each server in a child process (so that its CPU time is
 * its own): the IPC protocol between the bench and a server child, and the result rows.
 *
 * The child says `ready` (with whatever the scenario needs: URL, tokens…), then answers `start`
 * (reset the CPU clock) with `started`, `stats` with `{ stored, cpuMicros }` for the window, and
 * exits on `stop` or when the bench goes away. PARLEY_BENCH_PROFILE=<dir> also writes a V8 CPU
 * profile of the measured window (open it in Chrome DevTools).
 */
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

/** One row of the `npm run bench` table (see bench/scenarios/README.md). */
export interface Row {
  scenario: string;
  metric: string;
  parley: string;
  plain?: string;
  ratio?: string;
  target?: string;
  met?: boolean;
}

/** What a server child reports for a measured window. */
export interface Stats {
  type: 'stats';
  /** Messages stored (the reference server), or handled (plain). */
  stored: number;
  /** The server process's CPU time during the window, in microseconds. */
  cpuMicros: number;
}

/** The next IPC message of `type` from a child, or an error after `ms` or if it exits. */
export function reply<T extends { type: string }>(child: ChildProcess, type: T['type'], ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no '${type}' from the server child within ${ms} ms`)), ms);
    const onMessage = (message: { type: string }) => {
      if (message.type === type) done(undefined, message as T);
    };
    const onExit = (code: number | null) => done(new Error(`the server child exited (${code}) before '${type}'`));
    const done = (error?: Error, value?: T) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(value!);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Asks a server child to stop, and kills it if it has not within 15 s. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.connected) child.send({ type: 'stop' });
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
  });
}

/** The child side: reports `ready`, then answers the bench until told to stop. */
export function serveChild<R extends { type: 'ready' }>(ready: R, stored: () => Promise<number>, stop: () => Promise<void>): void {
  let cpu = process.cpuUsage();
  let stopping: Promise<void> | undefined;
  const finish = () => {
    stopping ??= stop().finally(() => process.exit(0));
  };
  const profileDir = process.env.PARLEY_BENCH_PROFILE;
  const profiler = profileDir ? new Session() : undefined;
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) => profiler!.post(method, (err, result) => (err ? reject(err) : resolve(result))));
  process.on('message', async (message: { type: string }) => {
    if (message.type === 'start') {
      if (profiler) {
        profiler.connect();
        await post('Profiler.enable');
        await post('Profiler.start');
      }
      cpu = process.cpuUsage();
      process.send!({ type: 'started' });
    }
    if (message.type === 'stats') {
      const used = process.cpuUsage(cpu);
      if (profiler) {
        const { profile } = (await post('Profiler.stop')) as { profile: unknown };
        writeFileSync(join(profileDir!, `${process.env.PARLEY_BENCH_ROLE ?? 'server'}-${process.pid}.cpuprofile`), JSON.stringify(profile));
        profiler.disconnect();
      }
      void stored().then((n) => process.send!({ type: 'stats', stored: n, cpuMicros: used.user + used.system } satisfies Stats));
    }
    if (message.type === 'stop') finish();
  });
  process.on('disconnect', finish);
  process.send!(ready);
}
