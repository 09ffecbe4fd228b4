/** `parley serve` (`npm start`): the reference servers on the embedded defaults. */
import { DEV_SECRET } from '../auth/keys.js';
import { jwtKeyFromOptions } from '../server/config.js';
import { createLogger } from '../server/logger.js';
import { PROTOCOL_NAMES } from '../server/protocols.js';
import { serve, servableProtocols } from '../server/serve.js';
import { parseOptions, UsageError, type Command } from './command.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the reference chat servers (one port per protocol)',
  help: `Usage: parley serve [options]

Runs the reference servers of every protocol that has one, each on its own port, on
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
  --jwt-secret S      HS256 secret (default: PARLEY_JWT_SECRET, else a development secret)
  --jwt-public-key F  verify RS256 tokens with this PEM public key instead
  --auth MODE         jwt (default): a verified token is required;
                      trust: also accept the original clients' unverified user ids
  --public-url URL    the URL clients reach the server at, for links such as media URLs,
                      when it differs from the listening address (one protocol), or
                      PARLEY_PUBLIC_URL_<PROTOCOL> (e.g. PARLEY_PUBLIC_URL_MESSENGER)
  -h, --help          show this help

Environment: DATABASE_URL, PARLEY_JWT_SECRET, LOG_LEVEL (info), NODE_ENV.`,
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
    });
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    const available = await servableProtocols();
    const protocols = values.protocol ?? available;
    for (const p of protocols) {
      if (!PROTOCOL_NAMES.includes(p)) throw new UsageError(`unknown protocol '${p}' (known: ${PROTOCOL_NAMES.join(', ')})`);
      if (!available.includes(p)) throw new UsageError(`'${p}' has no reference server yet (available: ${available.join(', ') || 'none'})`);
    }
    if (protocols.length === 0) throw new UsageError('no protocol to serve');
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new UsageError('--port must be a port number');
    if (port !== undefined && protocols.length > 1) throw new UsageError('--port goes with a single --protocol (each protocol has its own port)');
    const authMode = values.auth ?? 'jwt';
    if (authMode !== 'jwt' && authMode !== 'trust') throw new UsageError("--auth is 'jwt' or 'trust'");
    const key = jwtKeyFromOptions({ jwtSecret: values['jwt-secret'], jwtPublicKey: values['jwt-public-key'] });
    const logger = createLogger();
    if (key.algorithm === 'HS256' && key.secret === DEV_SECRET) {
      if (process.env.NODE_ENV === 'production') throw new UsageError('refusing the development JWT secret in production: set PARLEY_JWT_SECRET or --jwt-secret');
      logger.warn('using the development JWT secret: set PARLEY_JWT_SECRET or --jwt-secret outside development');
    }
    if (authMode === 'trust') logger.warn('--auth trust: clients may claim any user id without a token (for existing clients only)');
    if (values['public-url'] && protocols.length > 1) throw new UsageError('--public-url goes with a single --protocol (or set PARLEY_PUBLIC_URL_<PROTOCOL>)');
    const publicUrls: Record<string, string> = {};
    for (const p of protocols) {
      const url = (protocols.length === 1 ? values['public-url'] : undefined) ?? process.env[`PARLEY_PUBLIC_URL_${p.toUpperCase()}`];
      if (url) publicUrls[p] = url.replace(/\/+$/, '');
    }
    const database = values.db ?? process.env.DATABASE_URL ?? 'sqlite:./data/parley.db';
    const running = await serve({ protocols, port, host: values.host, database, mediaDir: values['media-dir'] ?? './data/media', key, authMode, logger, publicUrls });

    console.log(`Parley reference servers (database: ${database.replace(/\/\/[^@/]*@/, '//…@')}, auth: ${authMode})`);
    for (const s of running.servers) console.log(`  ${s.protocol.padEnd(12)} ${s.url}   (health: ${s.url}/healthz)`);
    console.log(`Get a token:  npx parley token --protocol ${protocols[0]} --user alice${protocols[0] === 'marketplace' ? ' --type customer' : ''}`);
    if (key.algorithm === 'HS256' && key.secret === DEV_SECRET) console.log(`Dev JWT secret (HS256): ${DEV_SECRET}`);

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
