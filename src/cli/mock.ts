/** `parley mock`: a spec-driven Socket.IO mock of one or more protocols, for frontend teams. */
import { specFiles } from '../spec/files.js';
import { startMock, protocolSpecFile, type MockServer } from '../../mock-server/index.js';
import { createLogger, isLogFormat, type LogLevel } from '../server/logger.js';
import { parseOptions, UsageError, type Command } from './command.js';

/** The instant a fixed clock starts at when `--seed` is given without `--now`. */
export const DEFAULT_FIXED_NOW = Date.parse('2025-01-06T09:00:00.000Z');

/** Parses `--chatter`: events per second, as `0.5`, `2/s` or `12/min`. */
export function parseRate(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(?:\/\s*(s|sec|second|m|min|minute))?$/.exec(value.trim());
  if (!m) throw new UsageError(`--chatter: '${value}' is not a rate (examples: 0.5, 2/s, 12/min)`);
  const n = Number(m[1]);
  return m[2] && m[2].startsWith('m') ? n / 60 : n;
}

function number(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`${name}: '${value}' must be a number from ${min} to ${max}`);
  return n;
}

export const mockCommand: Command = {
  name: 'mock',
  summary: 'run a spec-driven Socket.IO mock server (control API, playground) for frontends',
  help: `Usage: parley mock [options]

Runs a believable Socket.IO server of a protocol, driven by its spec alone: the handshake as
the spec says, every client event validated (an invalid one gets the protocol's error event)
and answered with the spec's sequence of events, in order, to the right sockets, with realistic
data that remembers what clients did. Each mock also serves a control API (/_mock/) and a
playground page (/_mock/playground/). With no --protocol or --spec, mocks every spec in
asyncapi/, each on its own port. See docs/mock.md.

Options:
  --protocol NAME    mock a protocol of asyncapi/ (messenger, rooms, marketplace, teamchat);
                     repeatable
  --spec FILE        mock any spec that follows asyncapi/CONVENTIONS.md; repeatable
  --port N           the port; with several mocks, the first port (the others follow); 0 for
                     free ports. Default: each spec's servers.local port (4100, 4200...)
  --host HOST        the interface to listen on (default 127.0.0.1; 0.0.0.0 for all)
  --seed N           the seed of every random choice (default 1). Giving it also fixes the
                     clock (see --now): the same seed and the same client actions then give
                     identical responses, timestamps included
  --now TIME         start a fixed clock at TIME (ISO 8601), advancing one second per event;
                     'real' for the real clock (default without --seed; with --seed, the fixed
                     clock starts at ${new Date(DEFAULT_FIXED_NOW).toISOString()})
  --stateless        remember nothing between events (lists are fake data only)
  --chatter RATE     fake peers send server events a UI must handle (incoming messages,
                     typing, read receipts, online/offline) to each connected user, RATE per
                     second (0.5, 2/s, 12/min)
  --latency MS       wait MS milliseconds before answering each client event (default 0)
  --drop P           drop each emit to a socket with probability P, 0 to 1 (default 0)
  --fill N           fake conversations (with fake peers and history) each user's lists
                     start with (default 3; 0 for none)
  --auth MODE        jwt (default): a well-formed JWT is required (decoded, not verified);
                     trust: the spec's trust mode is accepted too (auth.userid, announce event)
  --log-level LEVEL  trace, debug, info (default), warn, error or silent
  --log-format FMT   pretty (default) or json (pino's JSON lines)
  -h, --help         show this help

Latency, drop rate, chatter, seed and state can also be changed while the mock runs, through
the control API (PUT /_mock/config, POST /_mock/seed, POST /_mock/reset).

Exit status: 0 after Ctrl+C (SIGINT) or SIGTERM, 1 if a mock cannot start, 2 on a usage error.`,
  async run(argv) {
    const { values, positionals } = parseOptions(
      argv,
      {
        protocol: { type: 'string', multiple: true },
        spec: { type: 'string', multiple: true },
        port: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        now: { type: 'string' },
        stateless: { type: 'boolean' },
        chatter: { type: 'string' },
        latency: { type: 'string' },
        drop: { type: 'string' },
        fill: { type: 'string' },
        auth: { type: 'string' },
        'log-level': { type: 'string' },
        'log-format': { type: 'string' },
      },
    );
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}' (use --spec FILE or --protocol NAME)`);
    const files = [...(values.protocol ?? []).map((p) => {
      try {
        return protocolSpecFile(p);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
    }), ...(values.spec ?? [])];
    const specs = files.length ? files : specFiles();
    const port = number(values.port, '--port', 0, 65535);
    const seed = number(values.seed, '--seed', 0, 2 ** 32 - 1);
    let now: number | undefined;
    if (values.now !== undefined && values.now !== 'real') {
      now = Date.parse(values.now);
      if (Number.isNaN(now)) throw new UsageError(`--now: '${values.now}' is not an ISO 8601 time`);
    } else if (values.now === undefined && seed !== undefined) now = DEFAULT_FIXED_NOW;
    const auth = values.auth ?? 'jwt';
    if (auth !== 'jwt' && auth !== 'trust') throw new UsageError(`--auth: '${auth}' must be jwt or trust`);
    const level = (values['log-level'] ?? 'info') as LogLevel;
    if (!['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(level)) throw new UsageError(`--log-level: '${level}' is not a level`);
    const format = values['log-format'] ?? 'pretty';
    if (!isLogFormat(format)) throw new UsageError(`--log-format: '${format}' must be pretty or json`);
    const logger = createLogger({ level, format });
    const options = {
      host: values.host,
      seed,
      now,
      stateless: values.stateless === true,
      chatter: values.chatter === undefined ? undefined : parseRate(values.chatter),
      latency: number(values.latency, '--latency', 0, 60_000),
      drop: number(values.drop, '--drop', 0, 1),
      fill: number(values.fill, '--fill', 0, 50),
      auth: auth as 'jwt' | 'trust',
      logger,
    };

    const mocks: MockServer[] = [];
    try {
      for (const [i, spec] of specs.entries()) {
        mocks.push(await startMock({ ...options, spec, port: port === undefined ? undefined : port === 0 ? 0 : port + i }));
      }
    } catch (error) {
      await Promise.all(mocks.map((m) => m.close()));
      console.error(`parley mock: ${(error as Error).message}`);
      return 1;
    }
    const siblings = mocks.map((m) => ({ protocol: m.protocol.name, url: m.url, title: m.protocol.ctx.spec.model.title }));
    for (const m of mocks) m.setSiblings(siblings);

    const clock = now === undefined ? 'real clock' : `fixed clock from ${new Date(now).toISOString()}`;
    console.log(`Parley mock: ${mocks.length} protocol(s), seed ${seed ?? 1}, ${clock}${options.stateless ? ', stateless' : ''}`);
    for (const m of mocks) console.log(`  ${m.protocol.name.padEnd(12)} ${m.url}   playground ${m.playgroundUrl}`);
    console.log(`Control API: GET <url>/_mock (docs/mock.md). Ctrl+C to stop.`);

    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    // Should a connection or a client library keep a handle open, Ctrl+C still ends the process.
    setTimeout(() => process.exit(0), 3000).unref();
    await Promise.all(mocks.map((m) => m.close()));
    return 0;
  },
};
