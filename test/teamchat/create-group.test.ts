/**
 * `createGroup`: the group of the creator and its recipients (each once); each member gets the
 * new room as `group_<their id>` on their own sockets only.
 */
import { expect, it } from 'vitest';
import type { CreateGroupPayload, Room } from '../../generated/teamchat/types.js';
import { nextEvent, waitFor } from '../helpers/net.js';
import { describeEachBackend } from '../storage/backends.js';
import { nextError, sendRaw, received, useTeamchat } from './harness.js';

describeEachBackend('teamchat createGroup', (backend) => {
  const t = useTeamchat(backend);

  it('sends group_<id> to each member only, and the room is listed afterwards', async () => {
    const [ada, grace, alan, outsider] = [t.user('ada'), t.user('grace'), t.user('alan'), t.user('outsider')];
    const [adaClient, graceClient, alanClient, outsiderClient] = await Promise.all([
      t.connect(ada),
      t.connect(grace),
      t.connect(alan),
      t.connect(outsider),
    ]);
    const got = [
      nextEvent<Room>(adaClient.socket, `group_${ada}`),
      nextEvent<Room>(graceClient.socket, `group_${grace}`),
      nextEvent<Room>(alanClient.socket, `group_${alan}`),
    ];
    adaClient.createGroup({
      room_name: 'Future group',
      recipients: [grace, alan, grace],
      type: 'group-chat',
      creator_id: ada,
      image_url: 'https://example.com/g.webp',
    });
    const rooms = await Promise.all(got);
    for (const r of rooms) expect(r).toEqual(rooms[0]);
    const room = rooms[0]!;
    expect(room).toEqual({
      _id: expect.any(String),
      room_name: 'Future group',
      type: 'group-chat',
      recipients: [ada, grace, alan],
      creator_id: ada,
      image_url: 'https://example.com/g.webp',
      pinned_messages: [],
      dateCreated: expect.any(String),
    });
    // Each member got exactly one event, under their own name; the outsider nothing.
    const marker = nextEvent(outsiderClient.socket, 'typing');
    const own = await t.group(outsider, [t.user('x')]);
    outsiderClient.typing({ room_id: own, message: 'sync' });
    await marker;
    expect(outsiderClient.log.map((e) => e.event)).toEqual(['typing']);
    expect(graceClient.log.map((e) => e.event)).toEqual([`group_${grace}`]);
    expect(alanClient.log.map((e) => e.event)).toEqual([`group_${alan}`]);

    const listed = nextEvent<Room[]>(alanClient.socket, 'connectRooms');
    alanClient.connectRooms({ user_id: alan });
    expect((await listed)[0]).toMatchObject({ _id: room._id, room_name: 'Future group', creator_id: ada, pinned_messages: [] });
  });

  it("takes a chosen _id (the document's example, whose recipients repeat one id)", async () => {
    const ada = t.user('ada');
    const client = await t.connect(ada);
    const id = t.user('63cfbe252ff0dd6ab8615e95');
    const got = nextEvent<Room>(client.socket, `group_${ada}`);
    client.createGroup({
      _id: id,
      room_name: 'Future group',
      recipients: ['63cfbe252ff0dd6ab8615e95', '63cfbe252ff0dd6ab8615e95'],
      type: 'group-chat',
      creator_id: ada,
      image_url:
        'https://nathanhrerp.s3.amazonaws.com/users/Abdul%20-Poyilthodi%20Chathamparambil/Abdul%20-Poyilthodi%20Chathamparambil.webp',
    });
    expect(await got).toMatchObject({ _id: id, recipients: [ada, '63cfbe252ff0dd6ab8615e95'] });
  });

  it('lets members use the new room at once, on sockets connected before it existed', async () => {
    const [ada, grace] = [t.user('ada'), t.user('grace')];
    const [adaClient, graceClient] = await Promise.all([t.connect(ada), t.connect(grace)]);
    const created = nextEvent<Room>(graceClient.socket, `group_${grace}`);
    adaClient.createGroup({ room_name: 'Now', recipients: [grace], type: 'group-chat', creator_id: ada });
    const room = await created;
    const got = nextEvent(adaClient.socket, 'message');
    graceClient.sendMessage({ room_id: room._id, sender_id: grace, message: 'here' });
    expect(await got).toMatchObject({ room_id: room._id, message: 'here' });
  });

  it.each<[string, (ids: { ada: string; taken: string }) => Partial<CreateGroupPayload>, number, string]>([
    ['an _id already in use', ({ taken }) => ({ _id: taken }), 400, '_id'],
    ['a member whose id is an event name', () => ({ recipients: ['message'] }), 400, 'recipients.0'],
    ['a member id starting with group_', () => ({ recipients: ['group_x'] }), 400, 'recipients.0'],
    ['an empty name', () => ({ room_name: '' }), 400, 'room_name'],
    ['no recipients', () => ({ recipients: [] }), 400, 'recipients'],
  ])('refuses %s', async (_name, make, status, field) => {
    const ada = t.user('ada');
    const taken = await t.group(ada, [t.user('grace')]);
    const client = await t.connect(ada);
    const error = nextError(client);
    sendRaw(client, 'createGroup', {
      room_name: 'G',
      recipients: [t.user('grace')],
      type: 'group-chat',
      creator_id: ada,
      ...make({ ada, taken }),
    });
    expect(await error).toMatchObject({ event: 'createGroup', statusCode: status, field });
    await waitFor(() => received(client, 'error').length === 1);
    expect(client.log.filter((e) => e.event.startsWith('group_'))).toEqual([]);
  });
});
