/**
 * Building blocks of faults: each returns an outgoing hook of a {@link WireFault} that breaks one
 * thing about one server event (its payload, whether it is sent, how often, in which order, to
 * whom) and passes every other packet on unchanged.
 */
import { clone, getPath, parsePath, setPath } from '../../../src/spec/paths.js';
import { encodePacket, eventOf, withPayload, type WireConn, type WireFault, type WirePacket } from './wire.js';

export type Hook = NonNullable<WireFault['outgoing']>;
type Obj = Record<string, unknown>;

/** Whether a packet is the event `name`. */
export const isEvent = (packet: WirePacket, name: string): boolean => eventOf(packet)?.name === name;

/** The value at a dotted path of a payload. */
export const at = (payload: unknown, path: string): unknown => getPath(payload, parsePath(path));

/** A copy of a payload with the value at a dotted path replaced. */
export function put(payload: unknown, path: string, value: unknown): Obj {
  const copy = clone(payload) as Obj;
  setPath(copy, parsePath(path), value);
  return copy;
}

/** A copy of an object payload with one top-level field renamed (kept in its place). */
export function rename(payload: unknown, from: string, to: string): Obj {
  return Object.fromEntries(Object.entries(payload as Obj).map(([k, v]) => [k === from ? to : k, v]));
}

/** Rewrites the payload of every `name` event for which `when` holds. */
export function mapPayload(name: string, fn: (payload: unknown, conn: WireConn) => unknown, when: (payload: unknown, conn: WireConn) => boolean = () => true): Hook {
  return (packet, conn) => {
    const e = eventOf(packet);
    return e?.name === name && when(e.payload, conn) ? [withPayload(packet, fn(e.payload, conn))] : [packet];
  };
}

/** Drops every `name` event for which `when` holds. */
export function dropEvent(name: string, when: (payload: unknown, conn: WireConn) => boolean = () => true): Hook {
  return (packet, conn) => {
    const e = eventOf(packet);
    return e?.name === name && when(e.payload, conn) ? [] : [packet];
  };
}

/** Sends every `name` event twice. */
export function duplicateEvent(name: string): Hook {
  return (packet) => (isEvent(packet, name) ? [packet, packet] : [packet]);
}

/** Sends another packet right after every `name` event, to the same socket. */
export function appendAfter(name: string, extra: (packet: WirePacket, conn: WireConn) => WirePacket): Hook {
  return (packet, conn) => (isEvent(packet, name) ? [packet, extra(packet, conn)] : [packet]);
}

/**
 * Reorders two consecutive events to one socket: `first` is held until the socket's next packet;
 * when that is `second`, it goes out before `first`, otherwise the order is kept. A held packet
 * nothing follows goes out after `flushMs`.
 */
export function swapConsecutive(first: string, second: string, flushMs = 250): Hook {
  const held = new Map<string, { packet: WirePacket; timer: NodeJS.Timeout }>();
  return (packet, conn) => {
    const key = `${conn.index} ${packet.nsp}`;
    const out: WirePacket[] = [];
    const h = held.get(key);
    if (h) {
      clearTimeout(h.timer);
      held.delete(key);
      if (isEvent(packet, second)) return [packet, h.packet];
      out.push(h.packet);
    }
    if (isEvent(packet, first)) {
      held.set(key, { packet, timer: setTimeout(() => held.delete(key) && conn.send(packet), flushMs) });
      return out;
    }
    out.push(packet);
    return out;
  };
}

/**
 * Also sends every `name` event to sockets that should not get it: once the server's broadcast
 * is written (the adapter writes to all its recipients in one go), to those `pick` chooses among
 * the open connections on the namespace that did not get it.
 */
export function leak(name: string, pick: (others: WireConn[], payload: unknown, recipients: ReadonlySet<WireConn>) => WireConn[]): Hook {
  const pending = new Map<string, Set<WireConn>>();
  return (packet, conn) => {
    if (!isEvent(packet, name)) return [packet];
    const text = encodePacket(packet);
    let recipients = pending.get(text);
    if (!recipients) {
      const got = (recipients = new Set());
      pending.set(text, got);
      setImmediate(() => {
        pending.delete(text);
        const others = conn.wire.conns().filter((c) => !got.has(c) && c.namespaces.has(packet.nsp));
        for (const c of pick(others, eventOf(packet)?.payload, got)) c.send(packet);
      });
    }
    recipients.add(conn);
    return [packet];
  };
}
