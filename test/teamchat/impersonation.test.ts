/**
 * In every auth mode, each identity field of a payload must be the connected user: another id is
 * refused with 403 naming the field, before anything is stored or sent.
 */
import { expect, it } from 'vitest';
import type { ClientToServerEvents } from '../../generated/teamchat/types.js';
import { nextEvent } from '../helpers/net.js';
import { describeEachBackend } from '../storage/backends.js';
import { nextError, sendRaw, useTeamchat, type Teamchat } from './harness.js';

type Make = (ids: { other: string; room: string }) => unknown;

const IDENTITY_FIELDS: [keyof ClientToServerEvents, string, Make][] = [
  ['connectRooms', 'user_id', ({ other }) => ({ user_id: other })],
  ['sendMessage', 'sender_id', ({ other, room }) => ({ room_id: room, sender_id: other, message: 'as someone else' })],
  [
    'sendNewMessage',
    'message.sender_id',
    ({ other, room }) => ({ type: 'group-chat', recipient_id: ['x'], message: { room_id: room, sender_id: other, message: 'hi' } }),
  ],
  ['createGroup', 'creator_id', ({ other }) => ({ room_name: 'G', recipients: ['x'], type: 'group-chat', creator_id: other })],
  ['deleteMessage', 'user_id', ({ other, room }) => ({ message_id: 'm1', user_id: other, room_id: room })],
  ['editMessage', 'user_id', ({ other, room }) => ({ message_id: 'm1', message: 'x', room_id: room, user_id: other })],
];

function suite(t: Teamchat, trust: boolean) {
  it.each(IDENTITY_FIELDS)('refuses %s whose %s is another user', async (event, field, make) => {
    const [me, other] = [t.user('me'), t.user('other')];
    const room = await t.group(me, [other]);
    const client = await t.connect(me, { token: !trust });
    if (trust) {
      const rooms = nextEvent(client.socket, 'connectRooms');
      client.connectRooms({ user_id: me });
      await rooms;
    }
    const otherClient = await t.connect(other);
    const error = nextError(client);
    sendRaw(client, event, make({ other, room }));
    expect(await error).toMatchObject({ event, statusCode: 403, field });
    const core = t.server().core;
    expect((await core.history((await core.findUser('teamchat', me))!.id, room)).items).toEqual([]);
    expect(otherClient.log.filter((e) => e.event !== 'connectRooms')).toEqual([]);
  });
}

describeEachBackend('teamchat impersonation with a JWT', (backend) => suite(useTeamchat(backend), false));
describeEachBackend('teamchat impersonation in trust mode', (backend) => suite(useTeamchat(backend, { authMode: 'trust' }), true));
