/**
 * Terminal colour for the summary. A report is a pure function of its options: whether stdout is a
 * TTY, NO_COLOR and FORCE_COLOR are the CLI's to decide, so colour here is only ever asked for.
 */

export interface Paint {
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly red: (text: string) => string;
  readonly green: (text: string) => string;
  readonly yellow: (text: string) => string;
}

const identity = (text: string): string => text;

/** No escapes at all: what CI logs, files and pipes get. */
export const plain: Paint = { bold: identity, dim: identity, red: identity, green: identity, yellow: identity };

/** Each style closes with its own reset (22 intensity, 39 foreground), so styles nest. */
function sgr(open: number, close: number): (text: string) => string {
  return (text) => (text ? `\x1b[${open}m${text}\x1b[${close}m` : text);
}

export const ansi: Paint = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  red: sgr(31, 39),
  green: sgr(32, 39),
  yellow: sgr(33, 39),
};
