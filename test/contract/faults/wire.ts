/**
 * A test-only hook at the wire of a running Socket.IO server: every Socket.IO packet the server
 * writes to a connection, and every packet a client sends it, passes through a {@link WireFault}
 * that may rewrite, drop, duplicate or hold it. Production code never consults it: it wraps the
 * server from the outside, on each Engine.IO connection, below socket.io and above the transport.
 *
 * Where it sits (socket.io 4.8, engine.io 6):
 * - outgoing: socket.io's `Client.writeToEngine` calls `conn.write(encodedPacket, opts)` on the
 *   Engine.IO socket, for a socket's own emits and for the adapter's broadcasts alike. The hook
 *   replaces that connection's `write`. A broadcast packet carries a WebSocket frame encoded once
 *   for every recipient (`opts.wsPreEncodedFrame`), which the transport sends instead of the data:
 *   a rewritten packet is written without it.
 * - incoming: the Engine.IO socket emits `data` (then `message`) with each client packet, and
 *   socket.io's `Client` listens on `data`. The hook replaces that connection's `emit` for those
 *   two events; `message`, which socket.io does not use, gets what `data` got.
 *
 * Binary packets (`45x-…`, `46x-…`) and their attachments (Buffers) pass through untouched.
 *
 * @example
 * const wire = Wire.attach(server.io, {
 *   outgoing: (p) => (eventOf(p)?.name === 'typing' ? [] : [p]), // the server "forgets" typing
 * });
 */

/** Socket.IO packet types (socket.io-parser v4). */
export const PacketType = { CONNECT: 0, DISCONNECT: 1, EVENT: 2, ACK: 3, CONNECT_ERROR: 4, BINARY_EVENT: 5, BINARY_ACK: 6 } as const;

/** One decoded Socket.IO packet (text encoding). */
export interface WirePacket {
  readonly type: number;
  /** `/`, `/chat`. */
  readonly nsp: string;
  /** The acknowledgement id, when the packet has one. */
  readonly id?: number;
  /** Binary packets only: how many attachments follow. */
  readonly attachments?: number;
  /** The JSON payload: an event's `[name, ...args]`, a CONNECT's auth or handshake answer… */
  readonly data?: unknown;
}

/** A packet text that is not a Socket.IO packet. */
export class WireDecodeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WireDecodeError';
  }
}

const isBinaryType = (type: number): boolean => type === PacketType.BINARY_EVENT || type === PacketType.BINARY_ACK;

/**
 * Decodes a Socket.IO packet as socket.io-parser writes it: `<type>[<attachments>-][<nsp>,][<id>][<json>]`.
 *
 * @example decodePacket('42/chat,7["typing",{}]') // { type: 2, nsp: '/chat', id: 7, data: ['typing', {}] }
 */
export function decodePacket(text: string): WirePacket {
  const type = Number(text.charAt(0));
  if (text === '' || !Number.isInteger(type) || type < 0 || type > 6) throw new WireDecodeError(`not a Socket.IO packet: ${JSON.stringify(text.slice(0, 40))}`);
  let i = 0;
  let attachments: number | undefined;
  if (isBinaryType(type)) {
    const dash = text.indexOf('-', 1);
    if (dash < 0 || !/^[0-9]+$/.test(text.slice(1, dash))) throw new WireDecodeError(`binary packet without its attachment count: ${JSON.stringify(text.slice(0, 40))}`);
    attachments = Number(text.slice(1, dash));
    i = dash;
  }
  let nsp = '/';
  if (text.charAt(i + 1) === '/') {
    const comma = text.indexOf(',', i + 1);
    const end = comma < 0 ? text.length : comma;
    nsp = text.slice(i + 1, end);
    i = end;
  }
  let j = i + 1;
  while (j < text.length && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
  const id = j > i + 1 ? Number(text.slice(i + 1, j)) : undefined;
  const rest = text.slice(j);
  let data: unknown;
  if (rest !== '') {
    try {
      data = JSON.parse(rest);
    } catch (error) {
      throw new WireDecodeError(`invalid payload in ${JSON.stringify(text.slice(0, 40))}`, { cause: error });
    }
  }
  return { type, nsp, ...(id !== undefined && { id }), ...(attachments !== undefined && { attachments }), ...(data !== undefined && { data }) };
}

/** Encodes a packet exactly as socket.io-parser's `Encoder` does for a packet without binary data. */
export function encodePacket(packet: WirePacket): string {
  let text = String(packet.type);
  if (isBinaryType(packet.type)) text += `${packet.attachments ?? 0}-`;
  if (packet.nsp && packet.nsp !== '/') text += `${packet.nsp},`;
  if (packet.id !== undefined) text += String(packet.id);
  if (packet.data !== undefined && packet.data !== null) text += JSON.stringify(packet.data);
  return text;
}

/** An EVENT packet's name and first argument (every event of these protocols has exactly one). */
export function eventOf(packet: WirePacket): { readonly name: string; readonly payload: unknown } | undefined {
  if (packet.type !== PacketType.EVENT || !Array.isArray(packet.data) || typeof packet.data[0] !== 'string') return undefined;
  return { name: packet.data[0], payload: packet.data[1] };
}

/** An EVENT packet of a namespace. */
export function eventPacket(nsp: string, name: string, payload: unknown): WirePacket {
  return { type: PacketType.EVENT, nsp, data: payload === undefined ? [name] : [name, payload] };
}

/** The same event with another payload (or another name). */
export function withPayload(packet: WirePacket, payload: unknown, name?: string): WirePacket {
  const event = eventOf(packet);
  if (!event) throw new Error('withPayload: not an event packet');
  return { ...packet, data: [name ?? event.name, payload, ...(packet.data as unknown[]).slice(2)] };
}

/** What a fault does to the packets of the connections it sees. Each hook returns the packets to pass on, in order: `[]` drops, `[p, p]` duplicates. */
export interface WireFault {
  /** A packet the server writes to `conn`. */
  outgoing?(packet: WirePacket, conn: WireConn): readonly WirePacket[];
  /** A packet `conn`'s client sent, before socket.io reads it. */
  incoming?(packet: WirePacket, conn: WireConn): readonly WirePacket[];
}

/** The members of an Engine.IO socket the hook uses (engine.io's `Socket`). */
interface EngineSocket {
  readonly readyState: string;
  readonly request: { readonly url?: string; readonly headers: Record<string, string | string[] | undefined> };
  write(data: unknown, options?: Record<string, unknown>, callback?: (...args: unknown[]) => void): unknown;
  emit(event: string | symbol, ...args: unknown[]): boolean;
  on(event: 'close', listener: () => void): unknown;
  close(discard?: boolean): void;
}

/** Where a server's Engine.IO connections come from (`io.engine`). */
interface EngineServer {
  on(event: 'connection', listener: (socket: EngineSocket) => void): unknown;
  off(event: 'connection', listener: (socket: EngineSocket) => void): unknown;
}

/** The last client event of a name, and who sent it. */
export interface Incoming {
  readonly name: string;
  readonly payload: unknown;
  readonly conn: WireConn;
  readonly seq: number;
}

/** The payload of a JWT, unverified (who a connection says it is). */
function jwtClaims(token: unknown): Record<string, unknown> | undefined {
  if (typeof token !== 'string') return undefined;
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** One Engine.IO connection (a client's tab), as the hook sees it. */
export class WireConn {
  /** Namespaces the server accepted (CONNECT answered with a sid) and not left. */
  readonly namespaces = new Set<string>();
  /** The claims of the first token the connection presented (unverified). */
  claims: Record<string, unknown> | undefined;

  constructor(
    readonly wire: Wire,
    /** Connection order, from 1. */
    readonly index: number,
    private readonly engine: EngineSocket,
    private readonly rawWrite: (data: string, options: Record<string, unknown>) => void,
  ) {
    const headerToken = engine.request.headers.token;
    const queryToken = engine.request.url ? new URL(engine.request.url, 'http://localhost').searchParams.get('token') : null;
    this.claims = jwtClaims(typeof headerToken === 'string' ? headerToken : queryToken);
  }

  get open(): boolean {
    return this.engine.readyState === 'open';
  }

  /** Writes a packet to this connection as is, past the fault. */
  send(packet: WirePacket): void {
    if (!this.open) return;
    this.wire.stats.injected++;
    this.rawWrite(encodePacket(packet), {});
  }

  /** Closes the connection (every namespace on it), as a crashed handler would leave it. */
  close(): void {
    this.wire.stats.closed++;
    this.engine.close();
  }

  /** Keeps track of namespaces and identity from the packets that pass (before the fault). */
  observe(packet: WirePacket, direction: 'in' | 'out'): void {
    if (direction === 'in' && packet.type === PacketType.CONNECT && this.claims === undefined) {
      this.claims = jwtClaims((packet.data as { token?: unknown } | undefined)?.token);
    }
    if (direction === 'out' && packet.type === PacketType.CONNECT && typeof (packet.data as { sid?: unknown } | undefined)?.sid === 'string') this.namespaces.add(packet.nsp);
    if (packet.type === PacketType.DISCONNECT) this.namespaces.delete(packet.nsp);
  }
}

/** What passed through a {@link Wire}, for checking that a fault did something and nothing broke. */
export interface WireStats {
  outgoing: number;
  outgoingChanged: number;
  incoming: number;
  incomingChanged: number;
  /** Packets a fault wrote itself ({@link WireConn.send}). */
  injected: number;
  /** Connections a fault closed. */
  closed: number;
  /** Exceptions thrown by the fault (the packet then passed unchanged): a bug of the fault, not of the server. */
  readonly errors: string[];
}

/** The hook on one server: its connections, and the fault applied to them. */
export class Wire {
  private readonly live = new Set<WireConn>();
  private readonly last = new Map<string, Incoming>();
  private count = 0;
  private seq = 0;
  readonly stats: WireStats = { outgoing: 0, outgoingChanged: 0, incoming: 0, incomingChanged: 0, injected: 0, closed: 0, errors: [] };
  private readonly onConnection = (engine: EngineSocket) => this.patch(engine);

  private constructor(
    private readonly engine: EngineServer,
    private readonly fault: WireFault,
  ) {
    engine.on('connection', this.onConnection);
  }

  /** Applies `fault` to every connection `io` accepts from now on. */
  static attach(io: { readonly engine: unknown }, fault: WireFault): Wire {
    return new Wire(io.engine as EngineServer, fault);
  }

  /** Stops patching new connections (patched ones stay so until they close). */
  detach(): void {
    this.engine.off('connection', this.onConnection);
  }

  /** Open connections, in connection order. */
  conns(): WireConn[] {
    return [...this.live].filter((c) => c.open);
  }

  /** The latest client event among `names` (what the server is answering now, when a client waits for each answer). */
  lastIncoming(names: readonly string[]): Incoming | undefined {
    let latest: Incoming | undefined;
    for (const name of names) {
      const seen = this.last.get(name);
      if (seen && (!latest || seen.seq > latest.seq)) latest = seen;
    }
    return latest;
  }

  private patch(engine: EngineSocket): void {
    const write = engine.write.bind(engine);
    const emit = engine.emit.bind(engine);
    const conn = new WireConn(this, ++this.count, engine, (data, options) => void write(data, options));
    this.live.add(conn);
    engine.on('close', () => this.live.delete(conn));

    engine.write = (data, options, callback) => {
      if (typeof data !== 'string') return write(data, options, callback);
      const out = this.transform(data, conn, 'out');
      this.stats.outgoing++;
      if (out.length === 1 && out[0] === data) return write(data, options, callback);
      this.stats.outgoingChanged++;
      // The broadcast's frame was encoded for the original data: write the new data without it.
      const { wsPreEncodedFrame: _frame, ...rest } = options ?? {};
      out.forEach((text, i) => write(text, { ...rest }, i === out.length - 1 ? callback : undefined));
      if (out.length === 0 && callback) setImmediate(callback);
      return engine;
    };

    let lastData: { raw: unknown; out: readonly unknown[] } | undefined;
    engine.emit = (event, ...args) => {
      if (event !== 'data' && event !== 'message') return emit(event, ...args);
      const raw = args[0];
      if (event === 'message') {
        const out = lastData !== undefined && lastData.raw === raw ? lastData.out : [raw];
        for (const d of out) emit('message', d);
        return true;
      }
      let out: readonly unknown[] = [raw];
      if (typeof raw === 'string') {
        this.stats.incoming++;
        out = this.transform(raw, conn, 'in');
        if (out.length !== 1 || out[0] !== raw) this.stats.incomingChanged++;
      }
      lastData = { raw, out };
      for (const d of out) emit('data', d);
      return true;
    };
  }

  /** The texts to pass on for one packet text. */
  private transform(text: string, conn: WireConn, direction: 'in' | 'out'): readonly string[] {
    let packet: WirePacket;
    try {
      packet = decodePacket(text);
    } catch {
      return [text]; // not ours to judge: socket.io will
    }
    conn.observe(packet, direction);
    const event = eventOf(packet);
    if (direction === 'in' && event) this.last.set(event.name, { name: event.name, payload: event.payload, conn, seq: ++this.seq });
    const hook = direction === 'out' ? this.fault.outgoing : this.fault.incoming;
    if (!hook || isBinaryType(packet.type)) return [text];
    try {
      const out = hook.call(this.fault, packet, conn).map(encodePacket);
      // Unchanged packets keep their original text (and a broadcast its pre-encoded frame).
      return out.length === 1 && out[0] === text ? [text] : out;
    } catch (error) {
      this.stats.errors.push(`${direction} ${text.slice(0, 80)}: ${(error as Error).stack ?? String(error)}`);
      return [text];
    }
  }
}
