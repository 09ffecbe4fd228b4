/**
 * The JUnit report: well-formed XML whatever the messages hold, with the counts, suites, cases,
 * failures and skips that CI test reporters read.
 */
import { describe, expect, it } from 'vitest';
import { formatJunit } from '../../../src/contract/report/index.js';
import { EMPTY, FAILED, FAILURE_MESSAGE, REPORT, SKIP_REASON } from './fixture.js';
import { findAll, parseXml, XmlError, type XmlElement } from './xml-check.js';

describe('the XML check itself', () => {
  it.each<[string, string]>([
    ['an unclosed element', '<a><b></b>'],
    ['crossed elements', '<a><b></a></b>'],
    ['a bare & in text', '<a>x & y</a>'],
    ['a < in an attribute', '<a m="x < y"/>'],
    ['an unquoted attribute', '<a m=x/>'],
    ['a duplicate attribute', '<a m="1" m="2"/>'],
    ['a U+0001 character', '<a>\u0001</a>'],
    ['a reference to U+0001', '<a>&#1;</a>'],
    ['an unknown entity', '<a>&nbsp;</a>'],
    ['two roots', '<a/><b/>'],
    ['text outside the root', '<a/>x'],
  ])('rejects %s', (_, xml) => {
    expect(() => parseXml(xml)).toThrow(XmlError);
  });

  it('reads a well-formed document, decoding references', () => {
    const root = parseXml('<?xml version="1.0"?>\n<a m="&quot;&#10;&apos;"><b>&lt;&amp;&#x41;</b><!-- c --></a>\n');
    expect(root.attributes).toEqual({ m: `"\n'` });
    expect(root.children[0]?.text).toBe('<&A');
  });
});

function only(root: XmlElement, name: string): XmlElement {
  const found = findAll(root, name);
  expect(found).toHaveLength(1);
  return found[0] as XmlElement;
}

describe('formatJunit', () => {
  const xml = formatJunit(REPORT);
  const root = parseXml(xml);
  const testcase = (name: string): XmlElement => {
    const found = findAll(root, 'testcase').find((t) => t.attributes.name === name);
    if (!found) throw new Error(`no testcase ${name}`);
    return found;
  };

  it('opens with the XML declaration and ends with a newline', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    expect(xml.endsWith('</testsuites>\n')).toBe(true);
  });

  it('is one <testsuites> with the run totals', () => {
    expect(root.name).toBe('testsuites');
    expect(root.attributes).toMatchObject({ tests: '4', failures: '1', errors: '0', skipped: '1', time: '1.234' });
  });

  it.each<[string, { tests: string; failures: string; skipped: string; time: string }]>([
    ['messenger / sendMessage', { tests: '2', failures: '1', skipped: '0', time: '0.043' }],
    ['messenger / markRead', { tests: '1', failures: '0', skipped: '1', time: '0.000' }],
    ['messenger / handshake', { tests: '1', failures: '0', skipped: '0', time: '0.005' }],
  ])('has the suite %s with its counts', (name, want) => {
    const suite = findAll(root, 'testsuite').find((s) => s.attributes.name === name);
    expect(suite?.attributes).toMatchObject({ ...want, errors: '0' });
    expect(suite?.children.filter((c) => c.name === 'testcase')).toHaveLength(Number(want.tests));
  });

  it('has a suite per event that has cases, and a testcase per case', () => {
    expect(findAll(root, 'testsuite')).toHaveLength(3);
    expect(findAll(root, 'testcase').map((t) => t.attributes.name)).toEqual(REPORT.cases.map((c) => c.id));
  });

  it.each<[string, { classname: string; time: string; failure: number; skipped: number }]>([
    ['messenger./.sendMessage.sequence.first', { classname: 'messenger./.sendMessage', time: '0.012', failure: 0, skipped: 0 }],
    ['messenger./.sendMessage.badInput.text', { classname: 'messenger./.sendMessage', time: '0.030', failure: 1, skipped: 0 }],
    ['messenger./.markRead.outsider.other', { classname: 'messenger./.markRead', time: '0.000', failure: 0, skipped: 1 }],
    ['messenger./.handshake.handshake.noToken', { classname: 'messenger./.handshake', time: '0.005', failure: 0, skipped: 0 }],
  ])('writes %s with its classname, time in seconds and outcome', (name, want) => {
    const t = testcase(name);
    expect(t.attributes).toEqual({ classname: want.classname, name, time: want.time });
    expect(findAll(t, 'failure')).toHaveLength(want.failure);
    expect(findAll(t, 'skipped')).toHaveLength(want.skipped);
  });

  it('keeps the failure message intact but for the character XML cannot hold', () => {
    const failure = only(testcase(FAILED.id), 'failure');
    expect(failure.attributes.message).toBe(FAILURE_MESSAGE.replace('\u0001', '\\u0001'));
    expect(failure.attributes.type).toBe('badInput');
  });

  it("puts the traces and the reproduction in the failure's body", () => {
    const body = only(testcase(FAILED.id), 'failure').text;
    expect(body).toContain('socket ada#1 /');
    expect(body).toContain('! error {code: "invalid"} | (nothing)');
    expect(body).toContain('socket bob#1 /');
    expect(body).toContain('! (nothing) | messageNew {text: "<b>&amp;"}');
    expect(body).toContain(`reproduce: ${FAILED.reproduce}`);
    expect(body).not.toContain('\u0001');
  });

  it('gives the skip its reason', () => {
    expect(only(testcase('messenger./.markRead.outsider.other'), 'skipped').attributes.message).toBe(SKIP_REASON);
  });

  it('escapes markup in the raw XML, not only in what a parser decodes', () => {
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    expect(xml).toContain('message="expected &quot;error&quot; &lt;code &apos;invalid&apos;&gt; &amp; nothing else\\u0001 to ada&#10;bob');
    expect(xml).toContain('messageNew {text: "&lt;b&gt;&amp;amp;"}');
  });

  it.each<[string, string]>([
    ['a lone surrogate', 'half \ud800 of a pair'],
    ['U+FFFF', 'not a character \uffff'],
    ['an escape sequence', 'red \u001b[31m text'],
    ['a vertical tab and a NUL', 'a\u000bb\u0000c'],
  ])('stays well-formed when a message holds %s', (_, message) => {
    const report = { ...REPORT, cases: [{ ...FAILED, message, traces: [{ socket: message, expected: [message], received: [] }] }] };
    const t = only(parseXml(formatJunit(report)), 'failure');
    expect(t.attributes.message).toMatch(/\\u[0-9a-f]{4}/);
  });

  it('keeps a pair of surrogates, an emoji, as it is', () => {
    const report = { ...REPORT, cases: [{ ...FAILED, message: 'sent 😀' }] };
    expect(only(parseXml(formatJunit(report)), 'failure').attributes.message).toBe('sent 😀');
  });

  it('writes a run without cases as an empty <testsuites>', () => {
    const empty = parseXml(formatJunit(EMPTY));
    expect(empty.attributes).toMatchObject({ tests: '0', failures: '0', skipped: '0' });
    expect(empty.children).toEqual([]);
  });
});
