/** `parley generate`: generated/ from the specs; `--check` for CI, `--watch` while editing. */
import { watch } from 'node:fs';
import { relative, resolve } from 'node:path';
import { specDir, specFiles } from '../spec/files.js';
import { compare, generatedDir, GenerationError, renderAll, renderSpec, scopeOf, write } from '../generator/generate.js';
import { renderRuntime, runtimeSourceDir, type FileMap } from '../generator/render.js';
import { renderSpecText } from '../generator/generate.js';
import { SpecReadError } from '../spec/source.js';
import { parseOptions, UsageError, type Command } from './command.js';

function printOrWrite(files: FileMap, json: boolean, outDir: string): number {
  if (json) {
    process.stdout.write(`${JSON.stringify(Object.fromEntries(files))}\n`);
    return 0;
  }
  const written = write(files, outDir, scopeOf(files));
  console.log(`wrote ${written.length} file(s) in ${relative(process.cwd(), outDir) || '.'}/`);
  return 0;
}

export const generateCommand: Command = {
  name: 'generate',
  summary: 'generate types, validators, server stubs, client bindings and docs from the specs',
  help: `Usage: parley generate [options] [spec.yaml ...]

Writes generated/<protocol>/ (types.ts, validators.js, server.ts, client.ts, index.ts,
README.md) for each spec, and generated/runtime/ shared by all. With no files, uses every
spec in asyncapi/. Output is formatted and byte-identical across runs and machines.

Options:
  --check        write nothing; exit 1 and name the stale files if generated/ differs
  --watch        regenerate a spec whenever it (or a template, or src/runtime/) changes
  --out DIR      output folder (default: generated/)
  --json         write nothing; print the files as one JSON object { path: content }
  --stdin-name N with '-' as the spec: read the spec from standard input, calling it N
  -h, --help     show this help

Exit status: 0 on success, 1 when --check finds drift or a spec is refused, 2 on a usage error.`,
  async run(argv) {
    const { values, positionals } = parseOptions(argv, {
      check: { type: 'boolean' },
      watch: { type: 'boolean' },
      out: { type: 'string' },
      json: { type: 'boolean' },
      'stdin-name': { type: 'string' },
    });
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    if (positionals.includes('-')) {
      if (positionals.length > 1 || values.watch || values.check) throw new UsageError("'-' (standard input) goes alone, without --watch or --check");
      const text = await new Promise<string>((resolve, reject) => {
        let data = '';
        process.stdin.setEncoding('utf8').on('data', (c) => (data += c)).on('end', () => resolve(data)).on('error', reject);
      });
      try {
        const files = new Map([...(await renderRuntime()), ...(await renderSpecText(text, values['stdin-name'] ?? 'stdin.yaml'))]);
        return printOrWrite(files, values.json === true, values.out ? resolve(values.out) : generatedDir);
      } catch (error) {
        if (error instanceof GenerationError || error instanceof SpecReadError) {
          console.error(error.message);
          return 1;
        }
        throw error;
      }
    }
    const specs = positionals.length ? positionals : specFiles();
    const outDir = values.out ? resolve(values.out) : generatedDir;
    const shown = relative(process.cwd(), outDir) || '.';
    const once = async (): Promise<number> => {
      const started = performance.now();
      let files;
      try {
        files = await renderAll(specs);
      } catch (error) {
        if (error instanceof GenerationError) {
          console.error(error.message);
          return 1;
        }
        throw error;
      }
      if (values.json) return printOrWrite(files, true, outDir);
      const scope = scopeOf(files);
      if (values.check) {
        const drift = compare(files, outDir, scope);
        const stale = [...drift.changed.map((p) => `changed: ${p}`), ...drift.missing.map((p) => `missing: ${p}`), ...drift.extra.map((p) => `extra:   ${p}`)];
        if (stale.length) {
          console.error(`${shown}/ is stale (${stale.length} file(s)):\n${stale.map((s) => `  ${s}`).join('\n')}\nRun 'npm run generate' and commit the result.`);
          return 1;
        }
        console.log(`${shown}/ is up to date (${files.size} files from ${specs.length} spec(s))`);
        return 0;
      }
      const written = write(files, outDir, scope);
      const ms = Math.round(performance.now() - started);
      console.log(`${written.length ? `wrote ${written.length} file(s)` : 'nothing changed'} in ${shown}/ (${files.size} files from ${specs.length} spec(s), ${ms} ms)`);
      for (const p of written) console.log(`  ${p}`);
      return 0;
    };
    const code = await once();
    if (!values.watch) return code;

    console.log(`watching ${specs.length} spec(s), templates/ and src/runtime/ (Ctrl-C to stop)`);
    const regenerate = async (spec: string | undefined) => {
      try {
        const files = spec ? new Map([...(await renderRuntime()), ...(await renderSpec(spec))]) : await renderAll(specs);
        const written = write(files, outDir, scopeOf(files));
        console.log(`${new Date().toISOString()} ${spec ?? 'templates'}: ${written.length ? written.join(', ') : 'nothing changed'}`);
      } catch (error) {
        console.error(error instanceof Error ? error.message : error);
      }
    };
    const timers = new Map<string, NodeJS.Timeout>();
    const debounce = (key: string, fn: () => void) => {
      clearTimeout(timers.get(key));
      timers.set(key, setTimeout(fn, 100));
    };
    for (const spec of specs) watch(spec, () => debounce(spec, () => void regenerate(spec)));
    watch(resolve(specDir, '../templates'), { recursive: true }, () => debounce('templates', () => void regenerate(undefined)));
    watch(runtimeSourceDir, () => debounce('templates', () => void regenerate(undefined)));
    return new Promise<number>(() => {});
  },
};
