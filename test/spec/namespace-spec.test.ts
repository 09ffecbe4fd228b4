/**
 * One derivation of the runtime's namespace settings: the mock attaches `namespaceSpecOf` as it
 * is, the generator prints it into each stub; here both are held to the same settings, for every
 * namespace of every spec.
 */
import { describe, expect, it } from 'vitest';
import { marketplaceNamespaces } from '../../generated/marketplace/server.js';
import { messengerNamespaces } from '../../generated/messenger/server.js';
import { roomsNamespaces } from '../../generated/rooms/server.js';
import { teamchatNamespaces } from '../../generated/teamchat/server.js';
import type { NamespaceSpec } from '../../src/runtime/namespace-spec.js';
import { namespaceSpecOf } from '../../src/spec/namespace-spec.js';
import { loadSpec, PROTOCOLS } from '../helpers/specs.js';

const generated: Record<string, Readonly<Record<string, NamespaceSpec>>> = {
  messenger: messengerNamespaces,
  rooms: roomsNamespaces,
  marketplace: marketplaceNamespaces,
  teamchat: teamchatNamespaces,
};

describe.each(PROTOCOLS)('%s', (protocol) => {
  const { model } = loadSpec(protocol);

  it.each(model.namespaces.map((ns) => [ns.path, ns] as const))('the stub and the mock get the same settings for %s', (_path, ns) => {
    const { context, ...printed } = generated[protocol]![ns.key]!;
    expect(typeof context).toBe('function');
    expect(printed).toEqual(namespaceSpecOf(model, ns));
  });

  it('has a stub for every namespace of the spec, and no other', () => {
    expect(Object.keys(generated[protocol]!).sort()).toEqual(model.namespaces.map((ns) => ns.key).sort());
  });
});

describe('derived settings', () => {
  it('names every client event with its handler method and sequence, and the error event by its wire name', () => {
    const { model } = loadSpec('rooms');
    const spec = namespaceSpecOf(model, model.namespaces[0]!);
    expect(spec.errorEvent).toBe('error');
    expect(spec.events.find((e) => e.wire === 'get_chats')).toMatchObject({ method: 'getChats' });
    expect(spec.events.every((e) => Array.isArray(e.sequence))).toBe(true);
  });

  it('gives presence requirements a message when the spec has none', () => {
    const { model } = loadSpec('marketplace');
    const chat = model.namespaces.find((ns) => ns.socketio.requires?.length)!;
    expect(namespaceSpecOf(model, chat).requiresOnline?.message).toMatch(/\S/);
  });
});
