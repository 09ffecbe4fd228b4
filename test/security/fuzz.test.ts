/**
 * Seeded fuzz of every client event of every spec against its reference server: at least 500
 * payloads the event's schema rejects (derived from the schema and the event's valid payload by
 * src/spec/invalid-payloads.ts, never listed by hand), plus the valid payload with a lone
 * surrogate appended to each of its strings. Each must be answered with exactly one error event
 * of the protocol, 400 (or 413 for bytes over a limit) naming the event; nothing else may reach
 * the sender, its other socket or the counterpart the payload names; nothing is stored; the
 * socket stays up.
 *
 * Flow control is off so that the fuzz measures validation, not rate limits. The seed is
 * PARLEY_FUZZ_SEED when set (a failure names the seed and the payload's label to reproduce it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPath, setPath } from '../../src/spec/paths.js';
import { invalidPayloads, payloadKey } from '../../src/spec/invalid-payloads.js';
import { actorPaths, type EventModel, type NamespaceModel } from '../../src/spec/model.js';
import { asList } from '../../src/spec/vocabulary.js';
import { waitFor } from '../helpers/net.js';
import { startTestServer, type TestProtocolServer } from '../helpers/servers.js';
import { loadSpec, PROTOCOLS, validPayload } from '../helpers/specs.js';
import { sqliteBackend } from '../storage/backends.js';
import { connectTo, errorReader, settle, storeSnapshot, type SpecClient } from './spec-clients.js';
import { requestPath } from '../../src/behaviour/index.js';

const SEED = Number(process.env.PARLEY_FUZZ_SEED ?? 20261202);
const COUNT = 500;
/** Payloads in flight at once: the server answers a socket's events in order, so the answers pair up. */
const WINDOW = 50;

type Validate = (namespace: string, direction: 'client' | 'server', event: string, payload: unknown) => readonly unknown[];

interface Case {
  readonly label: string;
  readonly payload: unknown;
}

/** Every string in a payload, by path (binary data skipped). */
function stringPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return [path];
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => stringPaths(v, [...path, Array.isArray(value) ? Number(k) : k]));
}

/** The valid payload with `\ud800` appended to one string at a time: well-typed, but not text. */
function loneSurrogates(valid: unknown): Case[] {
  return stringPaths(valid).map((path) => {
    if (path.length === 0) return { label: 'lone surrogate in the payload', payload: `${valid as string}\ud800` };
    const payload = structuredClone(valid) as Record<string, unknown>;
    setPath(payload, path, `${getPath(valid, path) as string}\ud800`);
    return { label: `lone surrogate in ${path.join('.')}`, payload };
  });
}

/** The users a payload names besides the actor (`$request.x` participants): they must hear nothing. */
function namedUsers(event: EventModel, valid: unknown): string[] {
  const participants = asList(event.reaction?.conversation).flatMap((ref) => ('participants' in ref ? asList(ref.participants) : []));
  return participants
    .map(requestPath)
    .map((path) => (path ? getPath(valid, path) : undefined))
    .filter((v): v is string | number => typeof v === 'string' || typeof v === 'number')
    .map(String);
}

describe.each(PROTOCOLS)(`%s: fuzz of every client event (seed ${SEED})`, (protocol) => {
  const { model, source } = loadSpec(protocol);
  const backend = sqliteBackend();
  let server: TestProtocolServer;
  let validate: Validate;
  beforeAll(async () => {
    server = await startTestServer(protocol, backend, { flowControl: false });
    ({ validate } = (await import(`../../generated/${protocol}/validators.js`)) as { validate: Validate });
  });
  afterAll(async () => {
    await server?.close();
    await backend.cleanup();
  });

  const events = model.namespaces.flatMap((ns) => ns.events.filter((e) => e.direction === 'client').map((e) => [`${ns.path} ${e.name}`, ns, e] as const));

  it.each(events)('%s: each invalid payload gets exactly one 400 and changes nothing', async (_name, ns: NamespaceModel, event: EventModel) => {
    const valid = validPayload(protocol, ns, event);
    expect(valid, 'a valid payload to derive from').toBeDefined();
    const isInvalid = (payload: unknown) => validate(ns.path, 'client', event.name, payload).length > 0;
    const cases: Case[] = [...invalidPayloads(source.data, event.payload, valid, { seed: SEED, count: COUNT, isInvalid }), ...loneSurrogates(valid)];
    expect(cases.length).toBeGreaterThanOrEqual(COUNT);

    // The actor is the user the valid payload names, so that only the mutation is wrong with it.
    const actorValue = actorPaths(event).map((p) => getPath(valid, p)).find((v) => typeof v === 'string' || typeof v === 'number');
    const actor = actorValue === undefined ? (protocol === 'marketplace' ? '7001' : 'fuzz-actor') : String(actorValue);
    const errors = errorReader(model, ns);
    const sender = await connectTo(server, model, ns, actor);
    const witnesses: SpecClient[] = [await connectTo(server, model, ns, actor)];
    for (const user of namedUsers(event, valid).filter((u) => u !== actor)) witnesses.push(await connectTo(server, model, ns, user));
    try {
      const before = await storeSnapshot(server);
      const answers = () => sender.log.filter((r) => r.event === errors.event);
      for (let start = 0; start < cases.length; start += WINDOW) {
        const window = cases.slice(start, start + WINDOW);
        for (const c of window) sender.socket.emit(event.name, c.payload);
        await waitFor(() => answers().length >= start + window.length, `answers to payloads ${start}..${start + window.length - 1}`, 10_000);
      }
      const last = await settle(sender, errors);
      for (const w of witnesses) await settle(w, errors);

      // One answer per payload, in order, then the barrier's: nothing answered twice, nothing else sent.
      expect(last).toBe(cases.length);
      expect(sender.log.slice(0, last).filter((r) => r.event !== errors.event)).toEqual([]);
      const wrong = cases
        .map((c, i) => ({ label: c.label, payload: payloadKey(c.payload).slice(0, 200), answer: sender.log[i]!.payload }))
        .filter(({ answer }) => ![400, 413].includes(errors.status(answer) as number) || errors.eventOf(answer) !== event.name || typeof errors.message(answer) !== 'string');
      expect(wrong, `seed ${SEED}`).toEqual([]);
      for (const w of witnesses) expect(w.log.filter((r) => errors.eventOf(r.payload) === undefined || !String(errors.eventOf(r.payload)).startsWith('parley-barrier-'))).toEqual([]);
      expect(sender.socket.connected).toBe(true);
      expect(await storeSnapshot(server)).toBe(before);
    } finally {
      sender.close();
      witnesses.forEach((w) => w.close());
    }
  });
});
