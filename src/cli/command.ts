/** The shape every `parley` subcommand has, so that `main` can list, dispatch and explain them. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface Command {
  readonly name: string;
  /** One line for `parley --help`. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly help: string;
  run(argv: string[]): Promise<number>;
}

/** A usage mistake: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `util.parseArgs` with its errors turned into {@link UsageError}s. */
export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' }, ...options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
