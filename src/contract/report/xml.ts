/**
 * XML 1.0 escaping. Messages and traces carry what the server under test sent, so they may hold
 * characters XML 1.0 cannot represent at all, not even as `&#1;`: a single one makes the whole
 * report unreadable to every JUnit consumer. Those are replaced by their `\u0001` spelling.
 */
import { escapeCode } from './text.js';

// Outside Char (XML 1.0 §2.2): C0 controls but tab, LF and CR; U+FFFE and U+FFFF; and, with the
// `u` flag, only surrogates that are not part of a pair.
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udfff]/gu;

/** Text with every character XML 1.0 forbids replaced by its escape spelling. */
export function xmlSafe(text: string): string {
  return text.replace(FORBIDDEN, escapeCode);
}

const TEXT_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Character data; `>` too, so that `]]>` can never appear. */
export function xmlText(text: string): string {
  return xmlSafe(text).replace(/[&<>]/g, (c) => TEXT_ENTITIES[c] ?? c);
}

// Tab, LF and CR as references: attribute-value normalisation would turn them into spaces.
const ATTR_ENTITIES: Record<string, string> = {
  ...TEXT_ENTITIES,
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/** An attribute value, to be written between double quotes. */
export function xmlAttr(value: string | number): string {
  return xmlSafe(String(value)).replace(/[&<>"'\t\n\r]/g, (c) => ATTR_ENTITIES[c] ?? c);
}

/** ` name="value"` for each entry, in order. */
export function attributes(attrs: Readonly<Record<string, string | number>>): string {
  return Object.entries(attrs)
    .map(([name, value]) => ` ${name}="${xmlAttr(value)}"`)
    .join('');
}
