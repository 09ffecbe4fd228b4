/** Where the project's specs live. */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The folder of the project's specs. */
export const specDir = join(projectRoot, 'asyncapi');

/** Every spec in asyncapi/ (`*.yaml`), sorted, as paths relative to the working directory. */
export function specFiles(dir = specDir): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((f) => relative(process.cwd(), join(dir, f)) || f);
}
