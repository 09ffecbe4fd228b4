/**
 * The event table of the specs issue, as a test: every listed event exists under its exact wire
 * name, in the listed namespace and direction, and nothing unlisted sneaks in.
 */
import { describe, expect, it } from 'vitest';
import { eventsOf } from '../../src/spec/model.js';
import { loadSpec, PROTOCOLS } from '../helpers/specs.js';

type Table = Record<string, { client: string[]; server: string[] }>;

/** Per protocol, per namespace: the client → server and server → client events. */
const TABLE: Record<(typeof PROTOCOLS)[number], Table> = {
  messenger: {
    '/': {
      client: ['sendMessage', 'sendMedia', 'deleteMessage', 'seeMessage'],
      server: ['deliveredMessage', 'threadUpdate', 'newThread', 'newMessage', 'newMedia', 'unreadMessagesCount', 'messageDeleted', 'seenMessage', 'error'],
    },
  },
  rooms: {
    '/': {
      client: ['connected', 'get_chats', 'new_room_create', 'new_message', 'typing_start', 'typing_end', 'online_status'],
      server: ['set_chats', 'add_room', 'message_broadcast', 'error', 'show_start_typing', 'show_end_typing', 'online_status_show'],
    },
  },
  marketplace: {
    '/chat': {
      client: ['joinChat', 'joinRooms', 'sendMessage', 'markAsRead', 'deleteMessage', 'typing', 'stoppedTyping', 'getUserChats'],
      server: ['userChats', 'offlineMessages', 'loadMessages', 'newChat', 'receiveMessage', 'updateReadReceipts', 'messageDeleted', 'userTyping', 'stoppedTyping', 'appError'],
    },
    '/presence': { client: [], server: ['userIsOnline', 'userIsOffline', 'appError'] },
  },
  teamchat: {
    '/': {
      client: ['connectRooms', 'sendMessage', 'typing', 'sendNewMessage', 'createGroup', 'deleteMessage', 'editMessage', 'messageSeen', 'pinMessage'],
      server: ['connectRooms', 'message', 'typing', '{userId}', 'group_{userId}', 'delete', 'edited', 'seen', 'pin message', 'error'],
    },
  },
};

describe.each(PROTOCOLS)('%s spec', (protocol) => {
  const { model } = loadSpec(protocol);
  const table = TABLE[protocol];

  it('has exactly the namespaces of the table', () => {
    expect(model.namespaces.map((ns) => ns.path).sort()).toEqual(Object.keys(table).sort());
  });

  describe.each(Object.entries(table))('namespace %s', (path, want) => {
    const ns = model.namespaces.find((n) => n.path === path)!;

    it('has every client → server event of the table, and no other', () => {
      expect(eventsOf(ns, 'client').map((e) => e.name).sort()).toEqual([...want.client].sort());
    });

    it('has every server → client event of the table, and no other', () => {
      expect(eventsOf(ns, 'server').map((e) => e.name).sort()).toEqual([...want.server].sort());
    });

    it('says what the server emits after every client event', () => {
      for (const event of eventsOf(ns, 'client')) {
        expect(event.reaction, `${event.name} has no x-socketio sequence`).toBeDefined();
        expect(Array.isArray(event.reaction!.emits), `${event.name}: emits must be a list`).toBe(true);
      }
    });

    it('names an error event that the namespace sends', () => {
      const ref = ns.socketio.errors.message.$ref;
      const errorKey = ref.slice(ref.lastIndexOf('/') + 1);
      expect(eventsOf(ns, 'server').map((e) => e.key)).toContain(errorKey);
    });
  });
});
