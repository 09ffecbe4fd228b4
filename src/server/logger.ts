/** The one logger: structured (pino), with levels; LOG_LEVEL sets the level (`silent` in tests). */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { service: 'parley' } });
}
