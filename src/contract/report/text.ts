/**
 * Small formatting shared by the reports: percentages, durations, shares, and making text that came
 * from the server under test safe to print.
 */
import type { Share } from '../results.js';

/**
 * A 0..1 ratio as a percentage with one decimal, `66.7%`. Rounding never claims 100.0% short of
 * everything, nor 0.0% above nothing: a near miss is exactly what a reader must not overlook.
 */
export function percent(ratio: number): string {
  const r = Math.min(1, Math.max(0, ratio));
  let tenths = Math.round(r * 1000);
  if (tenths === 1000 && r < 1) tenths = 999;
  if (tenths === 0 && r > 0) tenths = 1;
  return `${(tenths / 10).toFixed(1)}%`;
}

/** `3/5` */
export function share(s: Share): string {
  return `${s.covered}/${s.total}`;
}

/** `850 ms`, `1.23 s`, `2 min 5.0 s`: the unit a reader compares at a glance. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${((ms - minutes * 60_000) / 1000).toFixed(1)} s`;
}

/** Milliseconds as the seconds JUnit wants, `1.234`. */
export function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

// C0 controls, DEL and C1 controls: an ESC from a payload would otherwise restyle or rewrite the
// reader's terminal, a CR would overwrite the line it sits on.
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
const CONTROLS_BUT_LAYOUT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** `\u0001`, the way a JavaScript or JSON reader would write the character. */
export function escapeCode(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** One line of text, every control character (newline and tab included) shown as its escape. */
export function visible(text: string): string {
  return text.replace(CONTROLS, escapeCode);
}

/** Text that may span lines, split into lines; other control characters shown as escapes. */
export function visibleLines(text: string): string[] {
  return text.split(/\r\n|\n/).map((line) => line.replace(CONTROLS_BUT_LAYOUT, escapeCode));
}
