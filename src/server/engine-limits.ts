/**
 * Limits on what Engine.IO accepts over HTTP. A bound on the packets one long-polling request may carry. Engine.IO bounds a request's bytes
 * (`maxHttpBufferSize`) but not its packets: a 1 MB POST of 100,000 tiny packets becomes 100,000
 * events at once, and their answers wait in memory until the client polls. Over the bound the
 * request's packets are dropped unread and the session is closed; the client may reconnect.
 *
 * Engine.IO has no hook between reading a polling body and decoding it, so the one method that
 * does both is wrapped, per polling transport, at connection time.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from 'socket.io';
import type { Logger } from './logger.js';

/** Packets per polling request: a real client batches what it queued while a request was out. */
export const DEFAULT_MAX_PACKETS_PER_REQUEST = 100;

interface PollingTransport {
  readonly name: string;
  readonly protocol?: number;
  onData(data: string | Buffer): void;
}

interface EngineSocket {
  readonly transport: PollingTransport;
  close(discard?: boolean): void;
}

/**
 * Counts the packets of an Engine.IO payload without decoding it. v4 separates packets with the
 * record separator; v3 (socket.io-client 2.x) prefixes each with `<length>:`.
 */
export function countPackets(data: string | Buffer, protocol: number | undefined): number {
  if (protocol === 3) return countV3(typeof data === 'string' ? data : data.toString('latin1'));
  const text = typeof data === 'string' ? data : data.toString('latin1');
  let count = 1;
  for (let i = text.indexOf('\x1e'); i !== -1; i = text.indexOf('\x1e', i + 1)) count += 1;
  return count;
}

/** v3 payloads: `<length>:<packet>` repeated (binary v3 payloads differ, but only v3 text reaches here). */
function countV3(text: string): number {
  let count = 0;
  let i = 0;
  while (i < text.length) {
    const colon = text.indexOf(':', i);
    const length = Number(text.slice(i, colon));
    if (colon === -1 || !Number.isInteger(length) || length < 0) return count + 1;
    count += 1;
    i = colon + 1 + length;
  }
  return count;
}

/**
 * The methods Engine.IO's HTTP transport answers; it answers others with a bare 500. CORS
 * preflights (OPTIONS with an Origin) are answered by its CORS middleware before this one runs.
 */
const ENGINE_METHODS = new Set(['GET', 'POST']);

/** Answers requests Engine.IO has no use for (PUT, DELETE… on a session) with 405 instead of its 500. */
export function refuseOtherMethods(io: Server): void {
  io.engine.use((request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => {
    if (ENGINE_METHODS.has(request.method ?? '')) return next();
    response.writeHead(405, { allow: [...ENGINE_METHODS].join(', '), 'content-type': 'text/plain' });
    response.end('method not allowed');
  });
}

/** Closes any polling session whose request carries more than `max` packets. */
export function limitPollingPackets(io: Server, max: number, logger: Logger): void {
  io.engine.on('connection', (socket: EngineSocket) => {
    const transport = socket.transport;
    if (transport.name !== 'polling') return;
    const decode = transport.onData.bind(transport);
    transport.onData = (data) => {
      const packets = countPackets(data, transport.protocol);
      if (packets <= max) return decode(data);
      logger.warn({ packets, max }, 'closing a polling session whose request carried too many packets');
      socket.close(true);
    };
  });
}
