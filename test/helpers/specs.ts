/** Loading the project's specs once per test file. */
import { join } from 'node:path';
import { buildModel, type EventModel, type NamespaceModel, type ProtocolModel } from '../../src/spec/model.js';
import { readSpecFile, type SpecSource } from '../../src/spec/source.js';
import { specDir } from '../../src/spec/files.js';

export const PROTOCOLS = (process.env.PARLEY_PROTOCOLS?.split(',') ?? ['messenger', 'rooms', 'marketplace', 'teamchat']) as readonly ('messenger' | 'rooms' | 'marketplace' | 'teamchat')[];
export type Protocol = (typeof PROTOCOLS)[number];

export function specPath(protocol: string): string {
  return join(specDir, `${protocol}.yaml`);
}

export function loadSpec(protocol: string): { source: SpecSource; model: ProtocolModel } {
  const source = readSpecFile(specPath(protocol));
  return { source, model: buildModel(source) };
}

// Client events whose spec has no example (binary data cannot be written in YAML), and a valid
// payload for each, by `protocol namespace event`.
const EXAMPLELESS: Record<string, unknown> = {
  'messenger / sendMedia': { messageid: 'c-1', senderid: 'u-ada', receiverid: 'u-grace', mimeType: 'image/png', file: Buffer.from([0x89, 0x50, 0x4e, 0x47]) },
};

/** A valid payload of a client event: its first example, or the one above. */
export function validPayload(protocol: string, ns: NamespaceModel, event: EventModel): unknown {
  return event.examples[0]?.payload ?? EXAMPLELESS[`${protocol} ${ns.path} ${event.name}`];
}
