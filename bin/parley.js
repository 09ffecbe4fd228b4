#!/usr/bin/env node
// The `parley` command. Parley is written in TypeScript and run through tsx, so that the
// sources are the program: there is no build step to forget and no dist/ to go stale.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
