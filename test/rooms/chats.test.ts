/**
 * `get_chats` → `set_chats`: every room of the user, to the asking socket only, each with the
 * user's unread count; a one-to-one room under the other participant's name and picture.
 */
import { expect, it } from 'vitest';
import type * as T from '../../generated/rooms/types.js';
import { describeEachBackend } from '../storage/backends.js';
import { createRoom, roomsHarness, sendMessage, uniqueId } from './harness.js';

describeEachBackend('rooms get_chats', (backend) => {
  const h = roomsHarness(backend);

  it('lists every room, most recent activity first, with the unread count of the asking user', async () => {
    const ada = await h.connect(uniqueId('ada'));
    const ravi = await h.connect(uniqueId('ravi'));
    const bob = await h.connect(uniqueId('bob'));
    const group = await createRoom(ada, [ravi.user, bob.user], { name: 'Design team' });
    const direct = await createRoom(ada, [ravi.user]);
    await ravi.sync(); // ravi's socket has joined both rooms
    await sendMessage(ravi, direct._id, 'one');
    await sendMessage(ravi, direct._id, 'two');
    await sendMessage(ada, group._id, 'latest');

    const { chats } = await ada.sync();
    expect(chats.map((c) => c._id)).toEqual([group._id, direct._id]);
    expect(chats.map((c) => c.unread_messages_count)).toEqual([0, 2]);
    expect(chats[0]).toMatchObject({
      name: 'Design team',
      is_group: true,
      image: null,
      last_message: { room: group._id, message_body: 'latest', type: 'USER_TEXT_MESSAGE', user: ada.user },
    });
    expect(chats[0]!.participants.map((p) => p.user_id).sort()).toEqual([ada.id, ravi.id, bob.id].sort());

    const ravis = (await ravi.sync()).chats;
    expect(ravis.map((c) => [c._id, c.unread_messages_count])).toEqual([
      [group._id, 1],
      [direct._id, 0],
    ]);
    const bobs = (await bob.sync()).chats;
    expect(bobs.map((c) => c._id)).toEqual([group._id]);
  });

  it("names a one-to-one room after the other participant, with their picture", async () => {
    const adaId = uniqueId('ada');
    const ada = await h.connect(adaId, { claims: { name: 'Ada Lovelace', email: 'ada@example.com', picture: 'https://example.com/ada.png' } });
    const ravi = await h.connect(uniqueId('ravi'), { claims: { name: 'Ravi', email: 'ravi@example.com' } });
    await ravi.sync();
    const room = await createRoom(ada, [ravi.user]);
    expect(room).toMatchObject({ name: 'Ravi', image: null, is_group: false });

    const [atRavi] = (await ravi.sync()).chats as [T.Room];
    expect(atRavi).toMatchObject({ _id: room._id, name: 'Ada Lovelace', image: 'https://example.com/ada.png', unread_messages_count: 0 });
    expect(atRavi.last_message).toBeUndefined();
  });

  it('shows a participant who never connected by id, with a placeholder address', async () => {
    const ada = await h.connect(uniqueId('ada'));
    const ghost = uniqueId('ghost');
    const room = await createRoom(ada, [{ user_id: ghost, email: 'ghost@example.com', name: 'Ghost' }]);
    expect(room.name).toBe(ghost);
    expect(room.participants).toContainEqual({ user_id: ghost, email: `${ghost}@unknown.invalid`, name: ghost });
  });

  it('answers only the asking socket', async () => {
    const id = uniqueId('ada');
    const tab1 = await h.connect(id);
    const tab2 = await h.connect(id);
    await tab2.sync();
    await tab1.sync();
    await tab2.sync();
    expect([tab1.count('set_chats'), tab2.count('set_chats')]).toEqual([1, 2]);
  });

  it('lists nothing for a new user', async () => {
    const ada = await h.connect(uniqueId('ada'));
    expect(await ada.sync()).toEqual({ chats: [] });
  });
});
