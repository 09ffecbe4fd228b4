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
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
