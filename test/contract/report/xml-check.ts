/**
 * A tiny XML well-formedness check for the tests (no XML parser is among the dependencies): one
 * root, balanced tags, quoted and unique attributes, only known entity references, no `<` or `&`
 * loose in text or attributes, no character XML 1.0 forbids. It returns the element tree, decoded,
 * so tests can count and read what a JUnit consumer would see. No DTDs, CDATA or namespaces: the
 * JUnit report uses none, and meeting one here fails the check.
 */

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  /** The element's own character data, decoded. */
  text: string;
}

export class XmlError extends Error {}

const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udfff]/u;
const NAME = '[A-Za-z_][\\w.-]*';
const REFERENCE = /&(?:(amp|lt|gt|quot|apos)|#([0-9]+)|#x([0-9a-fA-F]+));/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(raw: string, where: number): string {
  if (raw.replace(REFERENCE, '').includes('&')) throw new XmlError(`a bare & near ${where}`);
  return raw.replace(REFERENCE, (_, named: string | undefined, dec: string | undefined, hex: string | undefined) => {
    if (named) return NAMED[named] ?? '';
    const char = String.fromCodePoint(dec ? Number(dec) : parseInt(hex ?? '', 16));
    if (FORBIDDEN.test(char)) throw new XmlError(`a reference to a forbidden character near ${where}`);
    return char;
  });
}

function parseAttributes(source: string, where: number): Record<string, string> {
  const attrs: Record<string, string> = {};
  const pattern = new RegExp(`\\s+(${NAME})\\s*=\\s*(?:"([^"<]*)"|'([^'<]*)')`, 'y');
  // A failed exec resets lastIndex, so the end of the last attribute is kept apart.
  let end = 0;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(source))) {
    const name = match[1] ?? '';
    if (name in attrs) throw new XmlError(`attribute ${name} twice near ${where}`);
    attrs[name] = decode(match[2] ?? match[3] ?? '', where);
    end = pattern.lastIndex;
  }
  if (source.slice(end).trim()) {
    throw new XmlError(`a malformed attribute near ${where}`);
  }
  return attrs;
}

/** The document's root element; throws {@link XmlError} when the document is not well-formed. */
export function parseXml(xml: string): XmlElement {
  if (FORBIDDEN.test(xml)) throw new XmlError('a character XML 1.0 forbids');
  const tokens = new RegExp(
    `(<\\?xml[^?]*\\?>)|(<!--[\\s\\S]*?-->)|</(${NAME})\\s*>|<(${NAME})((?:\\s+[^\\s=/>]+\\s*=\\s*(?:"[^"]*"|'[^']*'))*)\\s*(/?)>|([^<]+)`,
    'y',
  );
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let at = 0;
  while (at < xml.length) {
    tokens.lastIndex = at;
    const m = tokens.exec(xml);
    if (!m) throw new XmlError(`unexpected markup at ${at}: ${JSON.stringify(xml.slice(at, at + 20))}`);
    const [whole, declaration, comment, close, open, attrs, selfClosing, text] = m;
    if (declaration !== undefined && at !== 0) throw new XmlError('an XML declaration not at the start');
    if (close !== undefined) {
      const top = stack.pop();
      if (top?.name !== close) throw new XmlError(`</${close}> closes ${top ? `<${top.name}>` : 'nothing'} at ${at}`);
    } else if (open !== undefined) {
      const element: XmlElement = { name: open, attributes: parseAttributes(attrs ?? '', at), children: [], text: '' };
      const parent = stack.at(-1);
      if (parent) parent.children.push(element);
      else if (root) throw new XmlError(`a second root <${open}> at ${at}`);
      else root = element;
      if (!selfClosing) stack.push(element);
    } else if (text !== undefined) {
      if (text.includes(']]>')) throw new XmlError(`]]> in text at ${at}`);
      const parent = stack.at(-1);
      if (parent) parent.text += decode(text, at);
      else if (text.trim()) throw new XmlError(`text outside the root at ${at}`);
    } else if (comment === undefined && declaration === undefined) {
      throw new XmlError(`unexpected markup at ${at}`);
    }
    at += whole.length;
  }
  if (stack.length) throw new XmlError(`<${stack.at(-1)?.name}> is never closed`);
  if (!root) throw new XmlError('no root element');
  return root;
}

/** Every element named `name` in the tree, in document order. */
export function findAll(element: XmlElement, name: string): XmlElement[] {
  const own = element.name === name ? [element] : [];
  return [...own, ...element.children.flatMap((child) => findAll(child, name))];
}
