/**
 * socket.io-client connections to a reference server, shaped by its spec alone: the token a
 * namespace's handshake declares (with the first allowed role where the spec has roles), the
 * namespace a connection needs first (`presence`), and the protocol's error event read back
 * through the channel's `errors.fields` mapping. The fuzz and outsider suites use these so that
 * neither lists a protocol's events or error shape by hand.
 */
import { io, type Socket } from 'socket.io-client';
import type { NamespaceModel, ProtocolModel } from '../../src/spec/model.js';
import { emittedEventName } from '../../src/spec/sequences.js';
import { getPath, parsePath } from '../../src/spec/paths.js';
import { waitFor } from '../helpers/net.js';
import type { TestProtocolServer } from '../helpers/servers.js';
import type { Schema } from '../../src/storage/schema.js';

export interface Received {
  readonly event: string;
  readonly payload: unknown;
}

export interface SpecClient {
  /** The socket of the namespace the client was opened for. */
  readonly socket: Socket;
  /** Every event that socket received, in order. */
  readonly log: Received[];
  close(): void;
}

/** The error event of a namespace, and its status, event and message as the spec maps them. */
export interface ErrorReader {
  readonly event: string;
  status(payload: unknown): unknown;
  eventOf(payload: unknown): unknown;
  message(payload: unknown): unknown;
}

export function errorReader(model: ProtocolModel, ns: NamespaceModel): ErrorReader {
  const { message, fields } = ns.socketio.errors;
  const pathOf = (expression: string) => {
    const entry = Object.entries(fields).find(([, value]) => value === expression);
    if (!entry) throw new Error(`${ns.path}: errors.fields has no ${expression}`);
    return parsePath(entry[0]);
  };
  const [status, event, text] = ['$error.status', '$error.event', '$error.message'].map(pathOf);
  return {
    event: emittedEventName(model, message.$ref),
    status: (p) => getPath(p, status!),
    eventOf: (p) => getPath(p, event!),
    message: (p) => getPath(p, text!),
  };
}

/** A valid token of `user` for the protocol, with `role` or the first role the spec allows, if it has roles. */
export function tokenFor(server: TestProtocolServer, model: ProtocolModel, user: string, role?: string): Promise<string> {
  const roles = model.namespaces.map((ns) => ns.socketio.handshake.roles).find(Boolean);
  return server.token(user, roles ? { [roles.attribute]: role ?? roles.allowed[0]! } : undefined);
}

/**
 * Opens `ns` as `user` over websocket, after the namespace it requires (its `presence`), and
 * waits until the connection's own work is done: the first answer to an event nobody declares
 * comes after everything the server sent on connecting.
 */
export async function connectTo(server: TestProtocolServer, model: ProtocolModel, ns: NamespaceModel, user: string, role?: string): Promise<SpecClient> {
  const token = await tokenFor(server, model, user, role);
  const open = async (path: string) => {
    const socket = io(`${server.url}${path === '/' ? '' : path}`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    const log: Received[] = [];
    socket.onAny((event: string, payload: unknown) => log.push({ event, payload }));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return { socket, log };
  };
  const first = ns.socketio.presence ? await open(ns.socketio.presence) : undefined;
  const { socket, log } = await open(ns.path);
  const client = {
    socket,
    log,
    close() {
      socket.close();
      first?.socket.close();
    },
  };
  await settle(client, errorReader(model, ns));
  log.length = 0;
  return client;
}

let barriers = 0;

/**
 * Sends an event no spec declares and waits for its answer: the server handles a socket's events
 * in order, so everything caused by earlier ones has been sent by then. Returns the answer's index.
 */
export async function settle(client: SpecClient, errors: ErrorReader, ms = 5000): Promise<number> {
  const name = `parley-barrier-${++barriers}`;
  client.socket.emit(name, {});
  let index = -1;
  await waitFor(() => (index = client.log.findIndex((r) => r.event === errors.event && errors.eventOf(r.payload) === name)) >= 0, `the answer to ${name}`, ms);
  return index;
}

const TABLES = ['users', 'conversations', 'participants', 'messages', 'media'] as const satisfies readonly (keyof Schema)[];

/** Every row of every table, serialised: two equal snapshots mean nothing was stored or changed. */
export function storeSnapshot(server: TestProtocolServer): Promise<string> {
  return server.core.database.read(async (db) => {
    const tables = await Promise.all(TABLES.map((table) => db.selectFrom(table).selectAll().execute()));
    return JSON.stringify(Object.fromEntries(TABLES.map((table, i) => [table, tables[i]])));
  });
}

