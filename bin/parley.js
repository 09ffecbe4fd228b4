#!/usr/bin/env node
// The `parley` command. Parley is written in TypeScript and run through tsx, so that the
// sources are the program: there is no build step to forget and no dist/ to go stale.
import { register } from 'tsx/esm/api';

register();
// `parley … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
// Started by npm (`npm start`, `npx parley …`), Parley runs under a shell that npm signals and
// that does not pass SIGTERM on: when that parent goes, Parley stops as if it had been signalled,
// rather than staying up orphaned (a process manager or a container stops npm, not Parley).
if (process.env.npm_command) {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
  }, 250).unref();
}
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
