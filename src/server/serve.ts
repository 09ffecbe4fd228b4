/** `parley serve`: the reference servers of every protocol that has one, on one chat core. */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ChatCore } from '../core/chat-core.js';
import { LocalMediaStore } from '../core/media-store.js';
import type { AuthMode } from '../auth/authenticator.js';
import type { JwtKey } from '../auth/keys.js';
import { buildModel } from '../spec/model.js';
import { readSpecFile } from '../spec/source.js';
import { loadAdapter } from './adapter.js';
import type { Logger } from './logger.js';
import { startProtocolServer, type RunningProtocolServer } from './protocol-server.js';
import { PROTOCOL_NAMES, specPathOf } from './protocols.js';

export interface ServeOptions {
  /** The protocols to serve (default: all that have a reference server). */
  readonly protocols?: readonly string[];
  /** The port, when serving one protocol (default: the spec's `local` server port). */
  readonly port?: number;
  readonly host?: string;
  /** `sqlite:./data/parley.db` (default), a file path, or `postgres://…`. */
  readonly database: string;
  readonly mediaDir: string;
  readonly key: JwtKey;
  readonly authMode: AuthMode;
  readonly logger: Logger;
  /** Per protocol, the base URL clients reach it at, when not its listening address (proxies, 0.0.0.0). */
  readonly publicUrls?: Readonly<Record<string, string>>;
}

export interface RunningServers {
  readonly servers: readonly RunningProtocolServer[];
  readonly core: ChatCore;
  /** Graceful stop: no new connections, sockets closed, in-flight writes finished, database closed. */
  close(): Promise<void>;
}

/** The protocols that have a reference server, in the project's order. */
export async function servableProtocols(): Promise<string[]> {
  const found = await Promise.all(PROTOCOL_NAMES.map(async (p) => ((await loadAdapter(p)) ? p : undefined)));
  return found.filter((p): p is string => p !== undefined);
}

/** The default port of a protocol: its spec's `local` server. */
export function defaultPort(protocol: string): number {
  return buildModel(readSpecFile(specPathOf(protocol))).port ?? 0;
}

export async function serve(options: ServeOptions): Promise<RunningServers> {
  const protocols = options.protocols ?? (await servableProtocols());
  if (options.database.startsWith('sqlite:') || !options.database.includes('://')) {
    const file = options.database.replace(/^sqlite:/, '');
    if (file !== ':memory:') mkdirSync(dirname(resolve(file)), { recursive: true });
  }
  mkdirSync(options.mediaDir, { recursive: true });
  const core = await ChatCore.open(options.database, { mediaStore: new LocalMediaStore(options.mediaDir) });
  const servers: RunningProtocolServer[] = [];
  try {
    for (const protocol of protocols) {
      servers.push(
        await startProtocolServer({
          protocol,
          port: options.port ?? defaultPort(protocol),
          host: options.host,
          core,
          auth: { key: options.key, mode: options.authMode },
          logger: options.logger,
          publicUrl: options.publicUrls?.[protocol],
        }),
      );
    }
  } catch (error) {
    await Promise.all(servers.map((s) => s.close()));
    await core.close();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    servers,
    core,
    close: () =>
      (closing ??= (async () => {
        await Promise.all(servers.map((s) => s.close()));
        await core.close();
      })()),
  };
}
