/**
 * What a protocol adapter (src/<protocol>/adapter.ts) provides to the server: it fills the
 * generated stub's handlers with the chat core, and may add HTTP routes. The server finds the
 * adapter of a protocol by its folder, so `parley serve` serves the protocols that exist.
 */
import type { Server, ServerOptions } from 'socket.io';
import type { ChatCore } from '../core/chat-core.js';
import type { AuthenticatorOptions } from '../auth/authenticator.js';
import type { ProtocolModel } from '../spec/model.js';
import type { AttachOptions } from '../runtime/server.js';
import type { Route } from './http.js';
import type { Logger } from './logger.js';

export interface AdapterDeps {
  readonly core: ChatCore;
  readonly model: ProtocolModel;
  readonly logger: Logger;
  /** The JWT key and the auth mode (`jwt`, or `trust` for the original clients). */
  readonly auth: AuthenticatorOptions;
  /** The server's own base URL (`http://127.0.0.1:4100`), for links such as media URLs. */
  readonly publicUrl: () => string;
  /** What every protocol hands its generated stub's `attach` besides its authenticator. */
  readonly attachOptions: Pick<AttachOptions, 'validateOutgoing' | 'logger' | 'flowControl' | 'checkSequences'>;
}

export interface ProtocolAdapter {
  /** Socket.IO options the protocol needs (the generated `<protocol>ServerOptions`). */
  readonly serverOptions: Partial<ServerOptions>;
  /** Registers the protocol's namespaces and handlers. */
  attach(io: Server, deps: AdapterDeps): void | Promise<void>;
  /** Companion HTTP routes (REST endpoints, media). */
  routes?(deps: AdapterDeps): Route[];
}

/** The adapter of a protocol, or undefined when src/<protocol>/adapter.ts does not exist yet. */
export async function loadAdapter(protocol: string): Promise<ProtocolAdapter | undefined> {
  try {
    const module = (await import(`../${protocol}/adapter.ts`)) as { adapter?: ProtocolAdapter };
    return module.adapter;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      if (String((error as Error).message).includes(`/${protocol}/adapter`)) return undefined;
    }
    throw error;
  }
}
