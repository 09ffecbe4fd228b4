/**
 * Rendering: the Handlebars templates of templates/ applied to view models, then formatted with
 * Prettier so that output is deterministic and diffs stay small whatever the templates' spacing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import type { ProtocolModel } from '../spec/model.js';
import { projectRoot } from '../spec/files.js';
import { propertyKey } from './names.js';
import { compileValidators } from './validators.js';
import { protocolView } from './view/protocol.js';

/** The folder of the templates (also an @asyncapi/generator template). */
export const templatesDir = join(projectRoot, 'templates');

/** Output files: path relative to the output folder → content. */
export type FileMap = Map<string, string>;

let engine: typeof Handlebars | undefined;

/** The Handlebars environment: partials from templates/partials, and the few helpers templates use. */
function handlebars(): typeof Handlebars {
  if (engine) return engine;
  const hb = Handlebars.create();
  for (const file of readdirSync(join(templatesDir, 'partials'))) {
    if (file.endsWith('.hbs')) hb.registerPartial(file.slice(0, -4), readFileSync(join(templatesDir, 'partials', file), 'utf8'));
  }
  hb.registerHelper('json', (value: unknown) => JSON.stringify(value));
  hb.registerHelper('quote', (name: string) => propertyKey(name));
  engine = hb;
  return hb;
}

const compiled = new Map<string, HandlebarsTemplateDelegate>();

function template(relative: string): HandlebarsTemplateDelegate {
  let t = compiled.get(relative);
  if (!t) {
    t = handlebars().compile(readFileSync(join(templatesDir, relative), 'utf8'), { noEscape: true, strict: true });
    compiled.set(relative, t);
  }
  return t;
}

let prettier: typeof import('prettier') | undefined;

/** Formats generated code; the parser is chosen by the file's extension. */
export async function format(path: string, text: string): Promise<string> {
  prettier ??= await import('prettier');
  // babel-ts rather than typescript: the same output for generated code, in about half the time.
  const parser = path.endsWith('.md') ? 'markdown' : path.endsWith('.js') ? 'babel' : 'babel-ts';
  return prettier.format(text, { parser, printWidth: 120, singleQuote: true, trailingComma: 'all', proseWrap: 'preserve', endOfLine: 'lf' });
}

/**
 * Markdown is tidied, not run through Prettier: Prettier takes half a second per reference page
 * (it realigns every table), most of a generation's time, for output that reads the same.
 */
export function tidyMarkdown(text: string): string {
  return `${text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}

const PROTOCOL_FILES: [template: string, output: string][] = [
  ['files/types.ts.hbs', 'types.ts'],
  ['files/validators.js.hbs', 'validators.js'],
  ['files/validators.d.ts.hbs', 'validators.d.ts'],
  ['files/server.ts.hbs', 'server.ts'],
  ['files/client.ts.hbs', 'client.ts'],
  ['files/index.ts.hbs', 'index.ts'],
  ['files/README.md.hbs', 'README.md'],
];

const RUNTIME_FILES: [template: string, output: string][] = [
  ['runtime/errors.ts.hbs', 'runtime/errors.ts'],
  ['runtime/problems.js.hbs', 'runtime/problems.js'],
  ['runtime/problems.d.ts.hbs', 'runtime/problems.d.ts'],
  ['runtime/server.ts.hbs', 'runtime/server.ts'],
  ['runtime/client.ts.hbs', 'runtime/client.ts'],
];

/** Renders every file of one protocol, under `<protocol>/`. */
export async function renderProtocol(model: ProtocolModel): Promise<FileMap> {
  const view = { ...protocolView(model), ...compileValidators(model) };
  const files: FileMap = new Map();
  await Promise.all(
    PROTOCOL_FILES.map(async ([t, out]) => {
      const path = `${model.protocol}/${out}`;
      const text = template(t)(view);
      // ajv's compiled code is large and already laid out one statement a line; Prettier would
      // take seconds on it and make it no easier to read.
      files.set(path, out === 'validators.js' ? text : out.endsWith('.md') ? tidyMarkdown(text) : await format(path, text));
    }),
  );
  // Code-unit order, not localeCompare: the same on every machine whatever its locale.
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Renders the runtime shared by every protocol's generated code, under `runtime/`. */
export async function renderRuntime(): Promise<FileMap> {
  const files: FileMap = new Map();
  for (const [t, out] of RUNTIME_FILES) files.set(out, await format(out, template(t)({})));
  return files;
}
