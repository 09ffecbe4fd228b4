/**
 * Every protocol's adapter, imported statically: a plain module graph that any TypeScript or
 * JavaScript loader resolves (a path built at run time resolved only under tsx), and a protocol
 * named in PROTOCOL_NAMES without an adapter, or an adapter without a name, does not compile.
 */
import { marketplaceAdapter } from '../marketplace/adapter.js';
import { messengerAdapter } from '../messenger/adapter.js';
import { roomsAdapter } from '../rooms/adapter.js';
import { teamchatAdapter } from '../teamchat/adapter.js';
import type { AdapterFactory } from './adapter.js';
import { isProtocolName, PROTOCOL_NAMES, type ProtocolName } from './protocols.js';

export const ADAPTERS: Readonly<Record<ProtocolName, AdapterFactory>> = {
  messenger: messengerAdapter,
  rooms: roomsAdapter,
  marketplace: marketplaceAdapter,
  teamchat: teamchatAdapter,
};

/** The adapter of a protocol; throws, naming the protocols there are, for any other name. */
export function adapterOf(protocol: string): AdapterFactory {
  if (!isProtocolName(protocol)) throw new Error(`no reference server for '${protocol}' (the protocols: ${PROTOCOL_NAMES.join(', ')})`);
  return ADAPTERS[protocol];
}
