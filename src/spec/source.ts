/**
 * Reading a spec file as YAML while keeping where each value came from, so that every problem
 * Parley reports can point at a file, a path and a line.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, isMap, isNode, isScalar, parseDocument, type Document } from 'yaml';

export type JsonPath = ReadonlyArray<string | number>;

export interface SpecSource {
  /** The file the spec was read from (as given). */
  readonly file: string;
  /** The spec's text. */
  readonly text: string;
  /** The spec as plain data, `$ref`s left in place. */
  readonly data: Record<string, unknown>;
  /** The 1-based line of the value at `path`, or of its nearest ancestor that exists. */
  lineOf(path: JsonPath): number | undefined;
}

export class SpecReadError extends Error {
  constructor(
    readonly file: string,
    message: string,
    readonly line?: number,
    options?: ErrorOptions,
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${message}`, options);
    this.name = 'SpecReadError';
  }
}

/** Parses YAML (or JSON) text into a {@link SpecSource}; throws {@link SpecReadError} on a syntax error. */
export function parseSpecText(text: string, file: string): SpecSource {
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    const line = lineCounter.linePos(first.pos[0]).line;
    throw new SpecReadError(file, `invalid YAML: ${first.message.split('\n')[0]}`, line);
  }
  const data = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new SpecReadError(file, 'a spec must be a YAML mapping at the top level', 1);
  }
  return {
    file,
    text,
    data: data as Record<string, unknown>,
    lineOf(path) {
      for (let n = path.length; n >= 0; n--) {
        // A mapping entry's line is its key's, where a reader looks for it.
        const parent = n > 0 ? doc.getIn(path.slice(0, n - 1), true) : undefined;
        if (isMap(parent)) {
          const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === path[n - 1]);
          if (pair && isScalar(pair.key) && pair.key.range) return lineCounter.linePos(pair.key.range[0]).line;
        }
        const node = doc.getIn(path.slice(0, n), true);
        if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
      }
      return undefined;
    },
  };
}

/** Reads and parses a spec file. */
export function readSpecFile(file: string): SpecSource {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new SpecReadError(file, `cannot read the file (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, undefined, { cause });
  }
  return parseSpecText(text, file);
}

/** Formats a path as `channels.root.x-socketio.onConnect[1]`. */
export function formatPath(path: JsonPath): string {
  return path.reduce<string>((out, seg) => (typeof seg === 'number' ? `${out}[${seg}]` : out ? `${out}.${seg}` : seg), '');
}
