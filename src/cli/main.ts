/** The `parley` command: dispatches to its subcommands, each of which has its own --help. */
import { ConfigError } from '../server/config.js';
import { UsageError, type Command } from './command.js';
import { generateCommand } from './generate.js';
import { serveCommand } from './serve.js';
import { tokenCommand } from './token.js';
import { validateCommand } from './validate.js';

const commands: readonly Command[] = [validateCommand, generateCommand, serveCommand, tokenCommand];

const help = `Usage: parley <command> [options]

Parley: a protocol-first toolkit for Socket.IO chat APIs.

Commands:
${commands.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}

Run 'parley <command> --help' for a command's options.`;

/** Runs the CLI with the given arguments and resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help);
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`parley: unknown command '${name}'\n\n${help}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      console.error(`parley ${name}: ${error.message}\nRun 'parley ${name} --help' for usage.`);
      return 2;
    }
    throw error;
  }
}
