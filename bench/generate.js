#!/usr/bin/env node
// `npm run bench:generate`: how long generation takes, cold and warm, on this machine.
//  - cold: a fresh `parley generate` process regenerating all four specs into a temp folder;
//  - baseline: a fresh `parley --help` process (Node + tsx start-up, the floor of any cold run);
//  - warm: in one process, regenerating one spec after a change to it.
// Targets (2 cores): all four cold under 3 s, one warm under 0.5 s. Prints a table.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register } from 'tsx/esm/api';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin/parley.js');
const out = mkdtempSync(join(tmpdir(), 'parley-bench-'));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = (fn) => {
  const t = performance.now();
  fn();
  return performance.now() - t;
};

const baseline = [];
const cold = [];
for (let i = 0; i < RUNS; i++) {
  baseline.push(time(() => execFileSync(process.execPath, [bin, '--help'], { stdio: 'ignore' })));
  cold.push(time(() => execFileSync(process.execPath, [bin, 'generate', '--out', join(out, `cold-${i}`)], { stdio: 'ignore' })));
}

register();
const { renderSpecText, write, scopeOf } = await import('../src/generator/generate.ts');
const { renderRuntime } = await import('../src/generator/render.ts');
const specFile = join(root, 'asyncapi/messenger.yaml');
const original = readFileSync(specFile, 'utf8');
const warmDir = join(out, 'warm');
const regenerate = async (text) => {
  const files = new Map([...(await renderRuntime()), ...(await renderSpecText(text, 'asyncapi/messenger.yaml'))]);
  write(files, warmDir, scopeOf(files));
};
await regenerate(original); // warm-up: modules loaded, templates compiled
const warm = [];
for (let i = 0; i < RUNS * 2; i++) {
  // A real change each time: the description of the spec.
  const changed = original.replace('One-to-one direct messaging', `One-to-one direct messaging (edit ${i})`);
  const t = performance.now();
  await regenerate(changed);
  warm.push(performance.now() - t);
}
writeFileSync(join(out, 'done'), '');

const row = (name, xs, target) => `| ${name.padEnd(44)} | ${median(xs).toFixed(0).padStart(7)} | ${Math.min(...xs).toFixed(0).padStart(7)} | ${Math.max(...xs).toFixed(0).padStart(7)} | ${target.padEnd(8)} |`;
console.log(`parley generate benchmark, ${RUNS} runs (warm: ${RUNS * 2}), node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
console.log('| scenario                                     |  median |     min |     max | target   |');
console.log('|----------------------------------------------|--------:|--------:|--------:|----------|');
console.log(row('baseline: cold `parley --help` (ms)', baseline, '-'));
console.log(row('cold: `parley generate`, all four specs (ms)', cold, '< 3000'));
console.log(row('warm: one changed spec, in process (ms)', warm, '< 500'));
