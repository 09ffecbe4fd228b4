/** `parley validate`: checks specs with the AsyncAPI parser and Parley's conventions. */
import { buildModel } from '../spec/model.js';
import { checkSpec, formatDiagnostic, type Diagnostic } from '../spec/check.js';
import { readSpecFile, SpecReadError } from '../spec/source.js';
import { specFiles } from '../spec/files.js';
import { parseOptions, type Command } from './command.js';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check specs with the AsyncAPI parser and the Parley conventions',
  help: `Usage: parley validate [options] [spec.yaml ...]

Parses each spec with @asyncapi/parser and checks Parley's Socket.IO extensions
(asyncapi/CONVENTIONS.md), that every schema compiles, and that every example fits its
schema (the generated docs show them; the mock and contract tests start from them).
Prints, per spec, the counts of channels, operations, messages, errors and warnings,
then every problem as file:line: severity code: message.

With no files, validates every spec in asyncapi/.

Options:
  --quiet        print only problems and the summary line
  --strict       treat warnings as errors
  -h, --help     show this help

Exit status: 0 when no spec has an error, 1 otherwise, 2 on a usage error.`,
  async run(argv) {
    const { values, positionals } = parseOptions(argv, { quiet: { type: 'boolean' }, strict: { type: 'boolean' } });
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    const files = positionals.length ? positionals : specFiles();
    let failed = 0;
    for (const file of files) {
      const { summary, diagnostics } = await validateFile(file);
      const errors = diagnostics.filter((d) => d.severity === 'error' || (values.strict && d.severity === 'warning'));
      const warnings = diagnostics.filter((d) => d.severity === 'warning');
      if (errors.length) failed++;
      console.log(`${errors.length ? '✗' : '✓'} ${file}: ${summary}, ${errors.length} error(s), ${warnings.length} warning(s)`);
      for (const d of diagnostics) if (d.severity !== 'info' || !values.quiet) console.log(`  ${formatDiagnostic(d)}`);
    }
    console.log(`${files.length - failed} of ${files.length} spec(s) valid`);
    return failed ? 1 : 0;
  },
};

/** Validates one file; never throws for a bad spec (the problem becomes a diagnostic). */
export async function validateFile(file: string): Promise<{ summary: string; diagnostics: Diagnostic[] }> {
  try {
    const source = readSpecFile(file);
    const diagnostics = await checkSpec(source);
    if (diagnostics.some((d) => d.severity === 'error')) return { summary: 'not counted', diagnostics };
    const model = buildModel(source);
    const events = model.namespaces.flatMap((ns) => ns.events);
    const messages = new Set(events.map((e) => e.key));
    const summary = `${model.namespaces.length} channel(s), ${new Set(events.map((e) => e.operationKey)).size} operation(s), ${messages.size} message(s)`;
    return { summary, diagnostics };
  } catch (error) {
    if (error instanceof SpecReadError) {
      return { summary: 'unreadable', diagnostics: [{ severity: 'error', code: 'read', message: error.message.replace(`${file}${error.line ? `:${error.line}` : ''}: `, ''), file, path: [], line: error.line }] };
    }
    throw error;
  }
}
