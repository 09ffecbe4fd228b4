/** Loading the project's specs once per test file. */
import { join } from 'node:path';
import { buildModel, type ProtocolModel } from '../../src/spec/model.js';
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
