/**
 * Standalone validators: every message's payload schema compiled by ajv at generation time into
 * plain ESM JavaScript, so that servers and browsers validate without compiling schemas at run time.
 */
import { _ } from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { createAjv } from '../spec/ajv.js';
import { rebaseRefs } from '../spec/check.js';
import { isDynamic, type ProtocolModel } from '../spec/model.js';

const standaloneCode = ((standaloneModule as unknown as { default?: typeof standaloneModule }).default ?? standaloneModule) as unknown as (
  ajv: unknown,
  refs: Record<string, string>,
) => string;

export interface CompiledValidators {
  /** The compiled functions, each exported under its own name. */
  readonly compiled: string;
  /** `{ "/": { client: { "sendMessage": v_root_client_0, … }, server: { … } } }`, as code. */
  readonly table: string;
  /** `{ "/": [[/^group_(.+)$/, "group_{userId}"]] }`, as code. */
  readonly dynamic: string;
  /** `{ "/": { client: [...], server: [...] } }`, as JSON. */
  readonly events: string;
}

/**
 * ajv's standalone output needs one runtime helper we inline instead of importing, so that the
 * output is plain ESM with no `require()` (the same algorithm: a string's length in code points).
 */
const UCS2LENGTH = `function ucs2length(str) {
  const len = str.length;
  let length = 0;
  let pos = 0;
  while (pos < len) {
    length++;
    const value = str.charCodeAt(pos++);
    if (value >= 0xd800 && value <= 0xdbff && pos < len) {
      const next = str.charCodeAt(pos);
      if ((next & 0xfc00) === 0xdc00) pos++;
    }
  }
  return length;
}`;

/** Compiles the validators of a protocol. Throws if ajv's output would need a `require()`. */
export function compileValidators(model: ProtocolModel): CompiledValidators {
  // inlineRefs: false compiles each component schema once, as a function the messages share,
  // instead of copying it into every message that references it (a fifth smaller here).
  const ajv = createAjv({ code: { source: true, esm: true, formats: _`formats`, lines: true }, inlineRefs: false });
  ajv.addSchema({ $id: 'spec', components: { schemas: model.schemas } }, 'spec');
  const exports: Record<string, string> = {};
  const table: Record<string, Record<string, [string, string][]>> = {};
  const dynamic: Record<string, [string, string][]> = {};
  const events: Record<string, { client: string[]; server: string[] }> = {};
  for (const ns of model.namespaces) {
    table[ns.path] = { client: [], server: [] };
    events[ns.path] = { client: [], server: [] };
    ns.events.forEach((event, i) => {
      const name = `v_${ns.key}_${event.direction}_${i}`;
      ajv.addSchema(rebaseRefs(event.payload) as object, name);
      exports[name] = name;
      table[ns.path]![event.direction]!.push([event.name, name]);
      events[ns.path]![event.direction].push(event.name);
      if (isDynamic(event)) {
        const source = event.name.split(/\{[A-Za-z_][A-Za-z0-9_]*\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('(.+)');
        (dynamic[ns.path] ??= []).push([`/^${source}$/`, event.name]);
      }
    });
  }
  // The most specific pattern first: `alert_{userId}` must win over `{userId}` for `alert_bob`.
  const literalLength = (pattern: string) => pattern.replace(/\{[A-Za-z_][A-Za-z0-9_]*\}/g, '').length;
  for (const list of Object.values(dynamic)) list.sort((a, b) => literalLength(b[1]) - literalLength(a[1]));
  let compiled = standaloneCode(ajv, exports).replace(/^"use strict";/, '');
  if (compiled.includes('require("ajv/dist/runtime/ucs2length")')) {
    compiled = `${UCS2LENGTH}\n${compiled.replace(/require\("ajv\/dist\/runtime\/ucs2length"\)\.default/g, 'ucs2length')}`;
  }
  const leftover = /require\("([^"]+)"\)/.exec(compiled);
  if (leftover) throw new Error(`ajv's standalone output needs ${leftover[1]}, which the generator does not inline yet`);
  const tableCode = `{${Object.entries(table)
    .map(([path, dirs]) => `${JSON.stringify(path)}: {${Object.entries(dirs).map(([dir, list]) => `${dir}: {${list.map(([wire, fn]) => `${JSON.stringify(wire)}: ${fn}`).join(', ')}}`).join(', ')}}`)
    .join(', ')}}`;
  const dynamicCode = `{${Object.entries(dynamic)
    .map(([path, list]) => `${JSON.stringify(path)}: [${list.map(([re, pattern]) => `[${re}, ${JSON.stringify(pattern)}]`).join(', ')}]`)
    .join(', ')}}`;
  return { compiled, table: tableCode, dynamic: dynamicCode, events: JSON.stringify(events) };
}
