/**
 * Dotted paths into payloads (`data.0.chatId`): a numeric segment indexes an array. Setting a
 * path creates the objects and arrays on the way, asking `fill` for a missing array item so
 * that it is a whole, valid item rather than an empty object.
 */
export type Segment = string | number;
export type Path = readonly Segment[];

/** Splits `a.b.0.c` into `['a', 'b', 0, 'c']`. */
export function parsePath(dotted: string): Segment[] {
  if (dotted === '') return [];
  return dotted.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** Joins segments back into a dotted path. */
export function formatPath(path: Path): string {
  return path.join('.');
}

const isContainer = (value: unknown): value is Record<string | number, unknown> => typeof value === 'object' && value !== null;

/** Reads a path; undefined when any step is missing. */
export function getPath(root: unknown, path: Path): unknown {
  let node = root;
  for (const seg of path) {
    if (!isContainer(node)) return undefined;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return node;
}

/** The objects at a path whose `*` segments stand for every item of an array (`data.*.user`). */
export function objectsAt(value: unknown, path: Path): Record<string, unknown>[] {
  if (path.length === 0) return isContainer(value) && !Array.isArray(value) ? [value] : [];
  const [head, ...rest] = path;
  if (head === '*') return Array.isArray(value) ? value.flatMap((item) => objectsAt(item, rest)) : [];
  return isContainer(value) && !Array.isArray(value) ? objectsAt(value[head!], rest) : [];
}

/** Makes the container a missing step needs: an array before a numeric segment, else an object. */
export type Fill = (pathToMissing: Path, next: Segment | undefined) => unknown;

const defaultFill: Fill = (_path, next) => (typeof next === 'number' ? [] : {});

/**
 * Sets a path, creating what is missing. `value` undefined deletes the last step instead (an
 * expression with no value leaves its field absent) but still creates the containers, so that a
 * required object such as `data` exists even when all its fields are absent.
 */
export function setPath(root: Record<string | number, unknown> | unknown[], path: Path, value: unknown, fill: Fill = defaultFill): void {
  let node: Record<string | number, unknown> = root as Record<string | number, unknown>;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i]!;
    let child = node[seg];
    if (!isContainer(child)) {
      if (Array.isArray(node) && typeof seg === 'number') {
        // Arrays are filled up to the index, so that there are no holes.
        for (let j = node.length; j < seg; j++) node[j] = fill(path.slice(0, i + 1).with(i, j), path[i + 1]);
      }
      child = fill(path.slice(0, i + 1), path[i + 1]);
      if (!isContainer(child)) child = defaultFill(path.slice(0, i + 1), path[i + 1]);
      node[seg] = child;
    }
    node = child as Record<string | number, unknown>;
  }
  const last = path[path.length - 1];
  if (last === undefined) return;
  if (value === undefined) {
    if (Array.isArray(node) && typeof last === 'number') return;
    delete node[last];
    return;
  }
  if (Array.isArray(node) && typeof last === 'number') {
    for (let j = node.length; j < last; j++) node[j] = fill(path.slice(0, -1).concat(j), undefined);
  }
  node[last] = value;
}

/** Deletes the last step of a path (an array element is removed, the rest shift). */
export function deletePath(root: unknown, path: Path): void {
  if (path.length === 0) return;
  const parent = getPath(root, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
  else if (isContainer(parent)) delete (parent as Record<string | number, unknown>)[last];
}

/** A deep copy of JSON-like data (Buffers and typed arrays are kept as they are). */
export function clone<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = clone(value[i]);
    return out as T;
  }
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value;
  const out: Record<string, unknown> = {};
  for (const key in value as Record<string, unknown>) out[key] = clone((value as Record<string, unknown>)[key]);
  return out as T;
}
