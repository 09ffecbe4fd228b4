/**
 * Validating a spec's payloads by event name, for any spec. For the project's own specs, the
 * generated validators (those generated servers and clients use); for any other spec, validators
 * compiled from it with the same ajv configuration, so both behave alike. The mock and the
 * contract runner both validate through here.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Validate } from '../runtime/namespace-spec.js';
import { projectRoot, specDir } from './files.js';
import { isDynamic, type EventModel, type ProtocolModel } from './model.js';
import { SpecValidators } from './payloads.js';

export type { Validate };

/** A pattern such as `group_{userId}` as a regular expression capturing its parameters. */
export function patternOf(name: string): RegExp {
  const literals = name.split(/\{[A-Za-z_][A-Za-z0-9_]*\}/).map((part) => part.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&'));
  return new RegExp(`^${literals.join('(.+)')}$`);
}

/** Compiles a `validate` function for any spec, from its own schemas. */
export function compileValidate(model: ProtocolModel): Validate {
  const validators = new SpecValidators(model);
  const byName = new Map<string, EventModel>();
  const dynamic: { ns: string; direction: string; re: RegExp; event: EventModel }[] = [];
  for (const ns of model.namespaces) {
    for (const e of ns.events) {
      validators.validator(e);
      byName.set(`${ns.path}\u0000${e.direction}\u0000${e.name}`, e);
      if (isDynamic(e)) dynamic.push({ ns: ns.path, direction: e.direction, re: patternOf(e.name), event: e });
    }
  }
  // The most specific patterns first: `group_{userId}` before `{userId}`.
  dynamic.sort((a, b) => b.event.name.replace(/\{[^}]+\}/g, '').length - a.event.name.replace(/\{[^}]+\}/g, '').length);
  return (namespace, direction, event, payload) => {
    let model = byName.get(`${namespace}\u0000${direction}\u0000${event}`);
    if (!model && direction === 'server') model = dynamic.find((d) => d.ns === namespace && d.direction === direction && d.re.test(event))?.event;
    if (!model) return [{ field: '', message: `unknown event '${event}'` }];
    return validators.check(model, payload);
  };
}

/**
 * The `validate` function of a spec: the generated one when the spec is one of the project's
 * (asyncapi/<protocol>.yaml with generated/<protocol>/validators.js), else compiled now.
 */
export async function loadValidate(model: ProtocolModel): Promise<{ validate: Validate; generated: boolean }> {
  const own = resolve(join(specDir, `${model.protocol}.yaml`));
  const generatedFile = join(projectRoot, 'generated', model.protocol, 'validators.js');
  if (resolve(model.file) === own && existsSync(generatedFile)) {
    const mod = (await import(pathToFileURL(generatedFile).href)) as { validate: Validate };
    return { validate: mod.validate, generated: true };
  }
  return { validate: compileValidate(model), generated: false };
}

