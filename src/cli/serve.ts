/** `parley serve` (`npm start`): the reference servers on the embedded defaults. */
import { DEV_SECRET } from '../auth/keys.js';
import { CLOCK_TOLERANCE_SECONDS, type JwtKey } from '../auth/keys.js';
import { flowControlFromOptions, jwtIssuerFromOptions, jwtKeyFromOptions } from '../server/config.js';
import { parseAllowedOrigins } from '../server/origins.js';
import { DEFAULT_FLOW_CONTROL, type Rate } from '../runtime/flow-control.js';
import { createLogger, isLogFormat, type LogLevel } from '../server/logger.js';
import { PROTOCOL_NAMES } from '../server/protocols.js';
import { serve } from '../server/serve.js';
import { parseOptions, UsageError, type Command } from './command.js';

function rateText(rate: Rate): string {
  return `${rate.rate}/${rate.burst}`;
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the reference chat servers (one port per protocol)',
  help: `Usage: parley serve [options]

Runs the reference servers of every protocol, each on its own port, on
one chat core: SQLite in ./data by default, PostgreSQL when DATABASE_URL or --db says so.
Prints the addresses, and how to get a token, at start. SIGTERM or Ctrl-C stops
gracefully: no new connections, in-flight writes finished, database closed.

Options:
  --protocol NAME     serve only this protocol (repeatable): ${PROTOCOL_NAMES.join(', ')}
  --port N            the port, when serving one protocol (default: the spec's, 4100-4400)
  --host ADDR         the address to listen on (default 127.0.0.1)
  --db URL            sqlite:./data/parley.db (default), a file path, or postgres://…
                      (default: DATABASE_URL when set)
  --media-dir DIR     where media files are stored (default ./data/media)
  --jwt-secret S      HS256 secret for every protocol (default: PARLEY_JWT_SECRET_<PROTOCOL>,
                      else PARLEY_JWT_SECRET, else a development secret)
  --jwt-public-key F  verify RS256 tokens with this PEM public key instead
  --jwt-issuer ISS    the issuer (iss) tokens must name (default: PARLEY_JWT_ISSUER, else
                      'parley'); a token's audience (aud) must be the protocol's name.
                      Clocks may differ by ${CLOCK_TOLERANCE_SECONDS} s (exp, nbf).
  --auth MODE         jwt (default): a verified token is required;
                      trust: also accept the original clients' unverified user ids
                      (only on a loopback --host, unless --force-trust)
  --force-trust       allow --auth trust on an address other than loopback
  --allowed-origins L comma-separated origins of web pages allowed to connect and call the
                      HTTP endpoints, or '*' (default: PARLEY_ALLOWED_ORIGINS; else the
                      server's own origin, plus localhost pages unless NODE_ENV=production)
  --rate-limit R      client events per socket, RATE/BURST (default ${rateText(DEFAULT_FLOW_CONTROL.socket)});
                      EVENT=RATE/BURST for one event (repeatable); 'off' for none.
                      A refused event gets the protocol's error event with status 429;
                      a socket that keeps sending after refusals is disconnected.
  --user-rate-limit R all of a user's sockets together, RATE/BURST or off (default ${rateText(DEFAULT_FLOW_CONTROL.user)})
  --public-url URL    the URL clients reach the server at, for links such as media URLs,
                      when it differs from the listening address (one protocol), or
                      PARLEY_PUBLIC_URL_<PROTOCOL> (e.g. PARLEY_PUBLIC_URL_MESSENGER)
  --log-level LEVEL   trace, debug, info (default: LOG_LEVEL, else info), warn, error, silent
  --log-format FMT    pretty (short lines, the default in a terminal) or json (pino's JSON
                      lines, the default elsewhere; LOG_FORMAT)
  -h, --help          show this help

Environment: DATABASE_URL, PARLEY_JWT_SECRET, PARLEY_JWT_SECRET_<PROTOCOL>, PARLEY_JWT_ISSUER,
PARLEY_ALLOWED_ORIGINS, PARLEY_RATE_LIMIT, PARLEY_USER_RATE_LIMIT, LOG_LEVEL, LOG_FORMAT, NODE_ENV.
docs/security.md says what each protects against.`,
  async run(argv) {
    const { values } = parseOptions(argv, {
      protocol: { type: 'string', multiple: true },
      port: { type: 'string' },
      host: { type: 'string' },
      db: { type: 'string' },
      'media-dir': { type: 'string' },
      'jwt-secret': { type: 'string' },
      'jwt-public-key': { type: 'string' },
      auth: { type: 'string' },
      'public-url': { type: 'string' },
      'jwt-issuer': { type: 'string' },
      'force-trust': { type: 'boolean' },
      'log-level': { type: 'string' },
      'log-format': { type: 'string' },
      'allowed-origins': { type: 'string' },
      'rate-limit': { type: 'string', multiple: true },
      'user-rate-limit': { type: 'string' },
    });
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    const protocols = values.protocol ?? PROTOCOL_NAMES;
    for (const p of protocols) {
      if (!PROTOCOL_NAMES.includes(p)) throw new UsageError(`unknown protocol '${p}' (known: ${PROTOCOL_NAMES.join(', ')})`);
    }
    if (protocols.length === 0) throw new UsageError('no protocol to serve');
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new UsageError('--port must be a port number');
    if (port !== undefined && protocols.length > 1) throw new UsageError('--port goes with a single --protocol (each protocol has its own port)');
    const authMode = values.auth ?? 'jwt';
    if (authMode !== 'jwt' && authMode !== 'trust') throw new UsageError("--auth is 'jwt' or 'trust'");
    const keys = new Map(protocols.map((p) => [p, jwtKeyFromOptions({ jwtSecret: values['jwt-secret'], jwtPublicKey: values['jwt-public-key'] }, p)]));
    const issuer = jwtIssuerFromOptions(values['jwt-issuer']);
    const level = values['log-level'];
    if (level !== undefined && !['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(level)) throw new UsageError(`--log-level: '${level}' is not a level`);
    const format = values['log-format'];
    if (format !== undefined && !isLogFormat(format)) throw new UsageError(`--log-format: '${format}' must be pretty or json`);
    const logger = createLogger({ level: level as LogLevel | undefined, format });
    const onDevSecret = protocols.filter((p) => isDevSecret(keys.get(p)!));
    if (onDevSecret.length) {
      if (process.env.NODE_ENV === 'production') throw new UsageError('refusing the development JWT secret in production: set PARLEY_JWT_SECRET or --jwt-secret');
      logger.warn(`using the development JWT secret (${onDevSecret.join(', ')}): set PARLEY_JWT_SECRET or --jwt-secret outside development`);
    }
    let allowedOrigins: string[] | undefined;
    const originsText = values['allowed-origins'] ?? process.env.PARLEY_ALLOWED_ORIGINS;
    try {
      allowedOrigins = originsText === undefined ? undefined : parseAllowedOrigins(originsText);
    } catch (error) {
      throw new UsageError(`--allowed-origins: ${(error as Error).message}`);
    }
    const flowControl = flowControlFromOptions(values['rate-limit'], values['user-rate-limit']);
    if (flowControl === false) logger.warn('--rate-limit off: one client can flood the server');
    if (authMode === 'trust') logger.warn('--auth trust: clients may claim any user id without a token (for existing clients only)');
    if (values['public-url'] && protocols.length > 1) throw new UsageError('--public-url goes with a single --protocol (or set PARLEY_PUBLIC_URL_<PROTOCOL>)');
    const publicUrls: Record<string, string> = {};
    for (const p of protocols) {
      const url = (protocols.length === 1 ? values['public-url'] : undefined) ?? process.env[`PARLEY_PUBLIC_URL_${p.toUpperCase()}`];
      if (url) publicUrls[p] = url.replace(/\/+$/, '');
    }
    const database = values.db ?? process.env.DATABASE_URL ?? 'sqlite:./data/parley.db';
    const running = await serve({
      protocols,
      port,
      host: values.host,
      database,
      mediaDir: values['media-dir'] ?? './data/media',
      auth: (p) => ({ key: keys.get(p)!, mode: authMode, issuer }),
      logger,
      publicUrls,
      allowedOrigins,
      flowControl,
      forceTrust: values['force-trust'],
    });

    console.log(`Parley reference servers (database: ${database.replace(/\/\/[^@/]*@/, '//…@')}, auth: ${authMode})`);
    for (const s of running.servers) console.log(`  ${s.protocol.padEnd(12)} ${s.url}   (health: ${s.url}/healthz)`);
    console.log(`Get a token:  npx parley token --protocol ${protocols[0]} --user alice${protocols[0] === 'marketplace' ? ' --type customer' : ''}`);
    if (onDevSecret.length) console.log(`Dev JWT secret (HS256): ${DEV_SECRET}`);

    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        logger.info({ signal }, 'stopping');
        void running.close().then(resolve);
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
    logger.info('stopped');
    return 0;
  },
};

function isDevSecret(key: JwtKey): boolean {
  return key.algorithm === 'HS256' && key.secret === DEV_SECRET;
}
