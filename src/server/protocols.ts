/** The protocols Parley serves, and where their specs are. */
import { join } from 'node:path';
import { specDir } from '../spec/files.js';

const NAMES = ['messenger', 'rooms', 'marketplace', 'teamchat'] as const;

/** A protocol's name; src/server/adapters.ts has an adapter for each (the compiler checks). */
export type ProtocolName = (typeof NAMES)[number];

/** The protocols, in the project's order; typed as strings so that any name can be looked up. */
export const PROTOCOL_NAMES: readonly string[] = NAMES;

export function isProtocolName(name: string): name is ProtocolName {
  return PROTOCOL_NAMES.includes(name);
}

/** The spec file of a protocol. */
export function specPathOf(protocol: string): string {
  return join(specDir, `${protocol}.yaml`);
}
