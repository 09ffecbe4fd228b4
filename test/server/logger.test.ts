/** The one logger: readable lines in a terminal, JSON lines elsewhere, as asked or as LOG_FORMAT says. */
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/server/logger.js';

/** A destination that collects what is written; `tty` makes it look like a terminal. */
function sink(tty: boolean): PassThrough & { text(): string; isTTY?: boolean } {
  const stream = new PassThrough() as PassThrough & { text(): string; isTTY?: boolean };
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString()));
  stream.isTTY = tty;
  stream.text = () => chunks.join('');
  return stream;
}

const flush = () => new Promise((r) => setImmediate(r));
const saved = process.env.LOG_FORMAT;
afterEach(() => {
  if (saved === undefined) delete process.env.LOG_FORMAT;
  else process.env.LOG_FORMAT = saved;
});

describe('createLogger', () => {
  it('writes short readable lines to a terminal', async () => {
    delete process.env.LOG_FORMAT;
    const out = sink(true);
    createLogger({ level: 'info', destination: out }).warn({ protocol: 'messenger', user: 'u-ada' }, 'socket refused');
    await flush();
    expect(out.text()).toMatch(/^\d\d:\d\d:\d\d WARN  messenger: socket refused user=u-ada\n$/);
  });

  it('writes JSON lines elsewhere, and where LOG_FORMAT or the option asks', async () => {
    delete process.env.LOG_FORMAT;
    const pipe = sink(false);
    createLogger({ level: 'info', destination: pipe }).info({ n: 1 }, 'started');
    process.env.LOG_FORMAT = 'json';
    const terminal = sink(true);
    createLogger({ level: 'info', destination: terminal }).info('started');
    const asked = sink(false);
    createLogger({ level: 'info', format: 'pretty', destination: asked }).info('started');
    await flush();
    expect(JSON.parse(pipe.text())).toMatchObject({ level: 30, msg: 'started', n: 1 });
    expect(JSON.parse(terminal.text())).toMatchObject({ msg: 'started' });
    expect(asked.text()).toMatch(/INFO  started/);
  });

  it('leaves out what is below its level', async () => {
    const out = sink(false);
    createLogger({ level: 'warn', format: 'json', destination: out }).info('hidden');
    await flush();
    expect(out.text()).toBe('');
  });
});
