/** Generation of generated/ from the specs: write it, or check that it is up to date. */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { checkConventions, formatDiagnostic } from '../spec/check.js';
import { projectRoot } from '../spec/files.js';
import { buildModel } from '../spec/model.js';
import { parseSpecText, readSpecFile, type SpecSource } from '../spec/source.js';
import { renderProtocol, renderRuntime, type FileMap } from './render.js';

/** The default output folder. */
export const generatedDir = join(projectRoot, 'generated');

export class GenerationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GenerationError';
  }
}

/** Renders one spec's files; refuses a spec that breaks the conventions, naming the problems. */
export async function renderSpec(file: string): Promise<FileMap> {
  return renderSource(readSpecFile(file));
}

/** Renders a spec given as text (`name` stands for its file in banners and messages). */
export async function renderSpecText(text: string, name: string): Promise<FileMap> {
  return renderSource(parseSpecText(text, name));
}

async function renderSource(source: SpecSource): Promise<FileMap> {
  const file = source.file;
  // Schemas are compiled once, by the validators' compilation; `parley validate` does the full check.
  const errors = checkConventions(source, { compileSchemas: false }).filter((d) => d.severity === 'error');
  if (errors.length) throw new GenerationError(`${file} does not follow the conventions:\n${errors.map((d) => `  ${formatDiagnostic(d)}`).join('\n')}`);
  try {
    return await renderProtocol(buildModel(source));
  } catch (error) {
    if (error instanceof GenerationError) throw error;
    throw new GenerationError(`${file}: ${(error as Error).message}\nRun 'parley validate ${file}' for every problem with its line.`);
  }
}

/** Renders everything: the shared runtime and each spec's protocol folder. */
export async function renderAll(specs: readonly string[]): Promise<FileMap> {
  const parts = await Promise.all([renderRuntime(), ...specs.map(renderSpec)]);
  return new Map(parts.flatMap((m) => [...m]));
}

function listFiles(dir: string, base = dir): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full, base) : [relative(base, full).split('\\').join('/')];
  });
}

export interface Drift {
  readonly changed: string[];
  readonly missing: string[];
  readonly extra: string[];
}

/**
 * Compares rendered files with what is on disk. `scope` limits which existing files count as
 * extra (the folders being generated), so that other content of the output folder is left alone.
 */
export function compare(files: FileMap, outDir: string, scope: readonly string[]): Drift {
  const drift: Drift = { changed: [], missing: [], extra: [] };
  for (const [path, content] of files) {
    let current: string | undefined;
    try {
      current = readFileSync(join(outDir, path), 'utf8');
    } catch {
      drift.missing.push(path);
      continue;
    }
    if (current !== content) drift.changed.push(path);
  }
  for (const folder of scope) {
    for (const path of listFiles(join(outDir, folder))) {
      const full = `${folder}/${path}`;
      if (!files.has(full)) drift.extra.push(full);
    }
  }
  return drift;
}

/** Writes rendered files, removing files of the generated folders that are no longer produced. Returns the paths written. */
export function write(files: FileMap, outDir: string, scope: readonly string[]): string[] {
  const drift = compare(files, outDir, scope);
  for (const path of drift.extra) rmSync(join(outDir, path));
  const written: string[] = [];
  for (const path of [...drift.changed, ...drift.missing]) {
    const full = join(outDir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, files.get(path)!);
    written.push(path);
  }
  return written.sort();
}

/** The top-level folders a set of rendered files lives in (`runtime`, `messenger`…). */
export function scopeOf(files: FileMap): string[] {
  return [...new Set([...files.keys()].map((p) => p.split('/')[0]!))].sort();
}
