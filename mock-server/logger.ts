/**
 * The mock's one logger: pino, with levels and context. In a terminal the lines are short and
 * readable (`12:00:01 INFO  messenger: socket connected user=u-ada`); `--log-format json` gives
 * pino's own JSON lines for tools.
 */
import { pino, type Logger as PinoLogger, type Level } from 'pino';

export type Logger = PinoLogger;
export type LogLevel = Level | 'silent';

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

/** Creates the mock's logger. */
export function createLogger(options: { level?: LogLevel; format?: 'pretty' | 'json'; destination?: NodeJS.WritableStream } = {}): Logger {
  const level = options.level ?? 'info';
  if (options.format === 'json') return pino({ level, base: undefined }, options.destination ?? process.stderr);
  return pino({ level, base: undefined }, prettyDestination(options.destination));
}

/** A logger that writes nothing (library default, tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
