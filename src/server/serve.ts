/** `parley serve`: the reference servers of the protocols, on one chat core. */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ChatCore } from '../core/chat-core.js';
import { LocalMediaStore } from '../core/media-store.js';
import type { AuthenticatorOptions } from '../auth/authenticator.js';
import type { FlowControlOptions } from '../runtime/flow-control.js';
import { buildModel } from '../spec/model.js';
import { readSpecFile } from '../spec/source.js';
import { ConfigError } from './config.js';
import type { Logger } from './logger.js';
import { startProtocolServer, type RunningProtocolServer } from './protocol-server.js';
import { PROTOCOL_NAMES, specPathOf } from './protocols.js';

export interface ServeOptions {
  /** The protocols to serve (default: all of them, in PROTOCOL_NAMES' order). */
  readonly protocols?: readonly string[];
  /** The port, when serving one protocol (default: the spec's `local` server port). */
  readonly port?: number;
  readonly host?: string;
  /** `sqlite:./data/parley.db` (default), a file path, or `postgres://…`. */
  readonly database: string;
  readonly mediaDir: string;
  /** The handshake rules of a protocol: its key (a secret of its own, or shared), the mode, the issuer. */
  readonly auth: (protocol: string) => AuthenticatorOptions;
  readonly logger: Logger;
  /** Which browser origins may connect (default: same-origin, plus localhost outside production). */
  readonly allowedOrigins?: readonly string[];
  /** Rate limits and queue bounds on client events (default: {@link DEFAULT_FLOW_CONTROL}). */
  readonly flowControl?: FlowControlOptions | false;
  /** Serve trust mode on an address other than loopback (anyone who reaches it may act as anyone). */
  readonly forceTrust?: boolean;
  /** Per protocol, the base URL clients reach it at, when not its listening address (proxies, 0.0.0.0). */
  readonly publicUrls?: Readonly<Record<string, string>>;
}

export interface RunningServers {
  readonly servers: readonly RunningProtocolServer[];
  readonly core: ChatCore;
  /** Graceful stop: no new connections, sockets closed, in-flight writes finished, database closed. */
  close(): Promise<void>;
}

/** The default port of a protocol: its spec's `local` server. */
export function defaultPort(protocol: string): number {
  return buildModel(readSpecFile(specPathOf(protocol))).port ?? 0;
}

export async function serve(options: ServeOptions): Promise<RunningServers> {
  const protocols = options.protocols ?? PROTOCOL_NAMES;
  const host = options.host ?? '127.0.0.1';
  const trusting = protocols.filter((p) => options.auth(p).mode === 'trust');
  if (trusting.length && !isLoopback(host) && !options.forceTrust) {
    throw new ConfigError(`trust mode lets anyone who reaches ${host} act as any user: listen on 127.0.0.1 (the default), or say --force-trust`);
  }
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
          host,
          core,
          auth: options.auth(protocol),
          logger: options.logger,
          allowedOrigins: options.allowedOrigins,
          flowControl: options.flowControl,
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

/** Whether a listening address reaches only this machine. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
