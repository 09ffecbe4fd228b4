/** The `parley` command: dispatches to its subcommands, each of which has its own --help. */
import { UsageError, type Command } from './command.js';

/**
 * The commands, each loaded only when run: `parley --help` and `parley token` need not load
 * the generator, the storage drivers or faker (start-up went from seconds to a fraction).
 */
const commands: readonly { name: string; summary: string; load: () => Promise<Command> }[] = [
  { name: 'validate', summary: 'check specs with the AsyncAPI parser and the Parley conventions', load: async () => (await import('./validate.js')).validateCommand },
  { name: 'generate', summary: 'generate types, validators, server stubs, client bindings and docs from the specs', load: async () => (await import('./generate.js')).generateCommand },
  { name: 'serve', summary: 'run the reference chat servers (one port per protocol)', load: async () => (await import('./serve.js')).serveCommand },
  { name: 'mock', summary: 'run a spec-driven Socket.IO mock server (control API, playground) for frontends', load: async () => (await import('./mock.js')).mockCommand },
  { name: 'test', summary: 'run contract tests against a running Socket.IO server, derived from its spec', load: async () => (await import('./test.js')).testCommand },
  { name: 'token', summary: 'print a development JWT for a protocol and user', load: async () => (await import('./token.js')).tokenCommand },
];

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
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    console.error(`parley: unknown command '${name}'\n\n${help}`);
    return 2;
  }
  const command = await entry.load();
  try {
    return await command.run(rest);
  } catch (error) {
    const { ConfigError } = await import('../server/config.js');
    if (error instanceof UsageError || error instanceof ConfigError) {
      console.error(`parley ${name}: ${error.message}\nRun 'parley ${name} --help' for usage.`);
      return 2;
    }
    throw error;
  }
}
