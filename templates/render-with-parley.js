// Shared by the @asyncapi/generator entry files: renders the same .hbs templates as
// `parley generate`, by running Parley's renderer on the document the generator was given, so the
// two paths cannot drift apart. Runs offline: nothing is installed or fetched.
import { execFileSync } from 'child_process';
import fs from 'fs';
import path from 'path';

/** Parley's CLI: this folder sits in a Parley checkout (the generator may run a transpiled copy from a subfolder). */
function parleyBin(from) {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const bin = path.join(dir, 'bin', 'parley.js');
    if (fs.existsSync(bin)) return bin;
  }
  throw new Error(`Parley template: cannot find bin/parley.js above ${from}`);
}

/** The files Parley renders for a spec, by folder: `{ runtime: {name: content}, protocol: {…} }`. */
export function renderWithParley(originalAsyncAPI, from) {
  const json = execFileSync(process.execPath, [parleyBin(from), 'generate', '--json', '--stdin-name', 'asyncapi.yaml', '-'], {
    input: originalAsyncAPI,
    maxBuffer: 64 * 1024 * 1024,
  });
  const byFolder = { runtime: {}, protocol: {} };
  for (const [file, content] of Object.entries(JSON.parse(json.toString('utf8')))) {
    const [folder, ...rest] = file.split('/');
    byFolder[folder === 'runtime' ? 'runtime' : 'protocol'][rest.join('/')] = content;
  }
  return byFolder;
}
