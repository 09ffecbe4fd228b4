/**
 * The one logger of the servers and the mock: pino, with levels and context. In a terminal the
 * lines are short and readable (`12:00:01 WARN  messenger: socket connected user=u-ada`), so that
 * they sit well under a start banner; elsewhere (a container, a pipe) pino's JSON lines, for
 * tools. LOG_LEVEL and LOG_FORMAT set the defaults; `silent` in tests.
 */
import { pino, type Level, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;
export type LogLevel = Level | 'silent';
export type LogFormat = 'pretty' | 'json';

export interface LoggerOptions {
  /** Default: LOG_LEVEL, else `info`. */
  readonly level?: LogLevel;
  /** Default: LOG_FORMAT, else pretty when the destination is a terminal, else json. */
  readonly format?: LogFormat;
  /** Default: stderr, so that logs never mix into a command's output on stdout. */
  readonly destination?: NodeJS.WritableStream;
}

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
const OMIT = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'protocol']);

function formatValue(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === 'string') return /\s/.test(value) ? JSON.stringify(value) : value;
  if (value !== null && typeof value === 'object' && 'message' in value && 'type' in value) return String((value as { message: unknown }).message);
  return JSON.stringify(value);
}

/** A destination that prints pino's JSON lines as short human-readable lines. */
export function prettyDestination(out: NodeJS.WritableStream = process.stderr): { write(line: string): void } {
  return {
    write(line: string) {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        out.write(line);
        return;
      }
      const time = new Date(Number(entry.time)).toTimeString().slice(0, 8);
      const level = LEVEL_NAMES[Number(entry.level)] ?? String(entry.level);
      const scope = entry.protocol ? `${String(entry.protocol)}: ` : '';
      const extras = Object.entries(entry)
        .filter(([k]) => !OMIT.has(k))
        .map(([k, v]) => `${k}=${formatValue(v)}`)
        .join(' ');
      out.write(`${time} ${level} ${scope}${String(entry.msg ?? '')}${extras ? ` ${extras}` : ''}\n`);
    },
  };
}

/** Whether a log format is one this logger writes. */
export const isLogFormat = (value: string): value is LogFormat => value === 'pretty' || value === 'json';

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? ((process.env.LOG_LEVEL as LogLevel | undefined) || 'info');
  const destination = options.destination ?? process.stderr;
  const envFormat = process.env.LOG_FORMAT;
  const format = options.format ?? (envFormat && isLogFormat(envFormat) ? envFormat : (destination as { isTTY?: boolean }).isTTY ? 'pretty' : 'json');
  if (format === 'json') return pino({ level, base: undefined }, destination);
  return pino({ level, base: undefined }, prettyDestination(destination));
}

/** A logger that writes nothing (library default, tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
