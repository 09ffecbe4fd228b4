#!/usr/bin/env node
// `npm run bench`: the reference servers against a plain Socket.IO server doing the same emits
// with no validation, storage or auth, measured in the same run (the machine is shared and noisy).
// Each scenario is a module in bench/scenarios/ exporting `name` and `run(options)` → rows.
// Usage: npm run bench [-- --only <scenario>] [-- --quick]
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { register } from 'tsx/esm/api';

register();
const dir = new URL('./scenarios/', import.meta.url).pathname;
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const quick = args.includes('--quick');
const files = readdirSync(dir).filter((f) => f.endsWith('.ts')).sort();
const rows = [];
for (const file of files) {
  const scenario = await import(join(dir, file));
  if (only && scenario.name !== only) continue;
  process.stderr.write(`running ${scenario.name}…\n`);
  rows.push(...(await scenario.run({ quick })));
}
console.log(`parley bench, node ${process.version}, ${new Date().toISOString().slice(0, 10)}${quick ? ' (quick)' : ''}`);
console.log('| scenario | metric | parley | plain Socket.IO | parley / plain | target | met |');
console.log('|---|---|--:|--:|--:|---|---|');
for (const r of rows) {
  console.log(`| ${r.scenario} | ${r.metric} | ${r.parley} | ${r.plain ?? '–'} | ${r.ratio ?? '–'} | ${r.target ?? '–'} | ${r.met === undefined ? '–' : r.met ? 'yes' : 'NO'} |`);
}
process.exit(0);
