/** The protocols Parley serves, and where their specs are. */
import { join } from 'node:path';
import { specDir } from '../spec/files.js';

export const PROTOCOL_NAMES: readonly string[] = ['messenger', 'rooms', 'marketplace', 'teamchat'];

/** The spec file of a protocol. */
export function specPathOf(protocol: string): string {
  return join(specDir, `${protocol}.yaml`);
}
