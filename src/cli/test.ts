/** `parley test`: contract tests of a Socket.IO server against a spec, from the spec alone. */
import { readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { formatCtrf, formatJson, formatJunit, formatSummary } from '../contract/report/index.js';
import type { CredentialMode } from '../contract/credentials.js';
import { ContractSetupError, runContract, UnreachableError } from '../contract/run.js';
import { parseOptions, UsageError, type Command } from './command.js';

function integer(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${name}: '${value}' must be a whole number from ${min} to ${max}`);
  return n;
}

/**
 * The command line a failure's reproduction starts from: this one without --only and --seed (each
 * case adds its own), and with the secret left out: reports end up in CI logs and artifacts.
 */
export function reproduction(argv: readonly string[]): string {
  const out: string[] = ['parley test'];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (/^--(only|seed)$/.test(a)) {
      i++;
      continue;
    }
    if (/^--(only|seed)=/.test(a)) continue;
    if (a === '--jwt-secret') {
      out.push(a, '"$JWT_SECRET"');
      i++;
      continue;
    }
    out.push(a.startsWith('--jwt-secret=') ? '--jwt-secret="$JWT_SECRET"' : /\s/.test(a) ? `'${a.replace(/'/g, `'\\''`)}'` : a);
  }
  return out.join(' ');
}

export const testCommand: Command = {
  name: 'test',
  summary: 'run contract tests against a running Socket.IO server, derived from its spec',
  help: `Usage: parley test --spec <file|protocol> --url <http://host:port> [options]

Checks a running server against an AsyncAPI spec that follows asyncapi/CONVENTIONS.md: for
every client event, a valid request brings every emit of the spec's sequence, in order, to
exactly the sockets the spec names (and nothing to anyone else), each payload valid and its
correlated fields as the spec says; schema-breaking payloads get the error event; an actor
field naming another user, and a user outside a conversation, are refused; bad handshakes
are refused; counterparts see connects and disconnects. Each case uses fresh users. What
the server must do comes from the spec's behaviour model, never from per-protocol lists.
See docs/contract-testing.md.

Credentials (how the runner's users authenticate):
  --jwt-secret S         mint HS256 tokens with the server's secret (also checks that bad
                         signatures and expired tokens are refused)
  --jwt-private-key FILE mint RS256 tokens with this PEM private key
  --jwt-issuer ISS       the iss of minted tokens (default: parley)
  --jwt-audience AUD     the aud of minted tokens (default: the protocol's name)
  --token-command CMD    run CMD (sh) for each user's token: PARLEY_USER_ID, PARLEY_USER_ROLE
                         and PARLEY_PROTOCOL are set, it prints the token
  --auth trust           the spec's trust mode (unverified user ids), where the server has it
  With none of these, tokens are signed with a throwaway key: only a server that does not
  verify signatures (parley mock) accepts them.

Options:
  --seed N               reproducible users, data and payload choices (default: random)
  --only PATTERN         case ids or event names, comma-separated, * as a wildcard
  --timeout MS           how long to wait for each expected event (default 2000)
  --concurrency N        cases at a time (default 1; specs with namespace-wide emits run one
                         at a time whatever is asked)
  --bad-inputs N         schema-breaking payloads per client event (default 6, 0 for none)
  --junit FILE           write a JUnit XML report
  --ctrf FILE            write a CTRF JSON report
  --json FILE            write { summary, cases } as JSON
  --verbose              list every case, not only failures
  --color                color the summary (default: when stdout is a terminal)
  -h, --help             show this help

Exit status: 0 when every case passed, 1 when any failed, 2 on a usage error or when the
server cannot be reached.

Example:
  parley serve --protocol messenger --port 4100 &
  parley test --spec messenger --url http://127.0.0.1:4100 --jwt-secret "$PARLEY_JWT_SECRET"`,
  async run(argv) {
    const { values } = parseOptions(argv, {
      spec: { type: 'string' },
      url: { type: 'string' },
      'jwt-secret': { type: 'string' },
      'jwt-private-key': { type: 'string' },
      'jwt-issuer': { type: 'string' },
      'jwt-audience': { type: 'string' },
      'token-command': { type: 'string' },
      auth: { type: 'string' },
      seed: { type: 'string' },
      only: { type: 'string' },
      timeout: { type: 'string' },
      concurrency: { type: 'string' },
      'bad-inputs': { type: 'string' },
      junit: { type: 'string' },
      ctrf: { type: 'string' },
      json: { type: 'string' },
      verbose: { type: 'boolean' },
      color: { type: 'boolean' },
    });
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    if (!values.spec) throw new UsageError('--spec is required (a spec file, or messenger, rooms, marketplace, teamchat)');
    if (!values.url) throw new UsageError('--url is required (the server, e.g. http://127.0.0.1:4100)');
    if (!/^https?:\/\/[^/]+/.test(values.url)) throw new UsageError(`--url: '${values.url}' is not an http(s) URL`);
    const given = ['jwt-secret', 'jwt-private-key', 'token-command'].filter((k) => values[k as 'jwt-secret'] !== undefined);
    if (given.length > 1) throw new UsageError(`--${given.join(' and --')}: give one way to make tokens`);
    if (values.auth !== undefined && values.auth !== 'trust' && values.auth !== 'jwt') throw new UsageError(`--auth: '${values.auth}' must be jwt or trust`);
    const identity = { issuer: values['jwt-issuer'], audience: values['jwt-audience'] };
    let credentials: CredentialMode;
    if (values.auth === 'trust') credentials = { kind: 'trust' };
    else if (values['jwt-secret'] !== undefined) {
      if (values['jwt-secret'].length < 16) throw new UsageError('--jwt-secret: at least 16 characters');
      credentials = { kind: 'jwt', key: { algorithm: 'HS256', secret: values['jwt-secret'] }, ...identity };
    } else if (values['jwt-private-key'] !== undefined) {
      let pem: string;
      try {
        pem = readFileSync(values['jwt-private-key'], 'utf8');
      } catch (error) {
        throw new UsageError(`--jwt-private-key: ${(error as Error).message}`);
      }
      credentials = { kind: 'jwt', key: { algorithm: 'RS256', publicKeyPem: '', privateKeyPem: pem }, ...identity };
    } else if (values['token-command'] !== undefined) credentials = { kind: 'command', command: values['token-command'] };
    else credentials = { kind: 'jwt', key: { algorithm: 'HS256', secret: randomBytes(24).toString('hex') }, forge: false, ...identity };

    const color = values.color ?? process.stdout.isTTY === true;
    let report;
    try {
      report = await runContract({
        spec: values.spec,
        url: values.url,
        credentials,
        seed: integer(values.seed, '--seed', 0, 2 ** 31 - 1),
        only: values.only,
        timeoutMs: integer(values.timeout, '--timeout', 50, 120_000),
        concurrency: integer(values.concurrency, '--concurrency', 1, 64),
        badInputs: integer(values['bad-inputs'], '--bad-inputs', 0, 1000),
        command: reproduction(argv),
        onResult: (r) => {
          if (process.stderr.isTTY) process.stderr.write(r.status === 'failed' ? 'F' : r.status === 'skipped' ? 's' : '.');
        },
      });
    } catch (error) {
      if (error instanceof UnreachableError) {
        console.error(`parley test: ${error.message}`);
        return 2;
      }
      // A spec that cannot be read or modelled is the caller's to fix: a usage error, not a crash.
      if (error instanceof Error && (error.name === 'SpecReadError' || error.name === 'ModelError')) throw new UsageError(`--spec: ${error.message}`);
      if (error instanceof ContractSetupError) throw new UsageError(error.message);
      throw error;
    }
    if (process.stderr.isTTY) process.stderr.write('\n');
    console.log(formatSummary(report, { color, verbose: values.verbose === true }));
    const write = (file: string | undefined, text: string) => file !== undefined && writeFileSync(file, text);
    write(values.junit, formatJunit(report));
    write(values.ctrf, formatCtrf(report));
    write(values.json, formatJson(report));
    return report.summary.failed > 0 ? 1 : 0;
  },
};
