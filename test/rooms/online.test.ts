/** `online_status` → `online_status_show`: the connected co-participants, to the asking socket only. */
import { expect, it } from 'vitest';
import { waitFor } from '../helpers/net.js';
import { describeEachBackend } from '../storage/backends.js';
import { createRoom, roomsHarness, uniqueId, type Member } from './harness.js';

describeEachBackend('rooms online_status', (backend) => {
  const h = roomsHarness(backend);

  async function ask(member: Member) {
    const before = member.count('online_status_show');
    member.client.onlineStatus({ user_id: member.id });
    await waitFor(() => member.count('online_status_show') > before, 'online_status_show');
    const list = member.log.filter((r) => r.event === 'online_status_show').at(-1)!.payload as Array<{ user_id: string }>;
    return list.map((u) => u.user_id).sort();
  }

  it('lists each connected co-participant once, not the user, not strangers, not the offline', async () => {
    const adaId = uniqueId('ada');
    const ada = await h.connect(adaId);
    await h.connect(adaId); // a second tab: ada is listed by no one twice, and not to herself
    const ravi = await h.connect(uniqueId('ravi'), { claims: { name: 'Ravi', email: 'ravi@example.com' } });
    const bob = await h.connect(uniqueId('bob'));
    const stranger = await h.connect(uniqueId('eve'));
    const offline = uniqueId('olga');
    await createRoom(ada, [ravi.user, bob.user], { name: 'one' });
    await createRoom(ada, [ravi.user]); // ravi shares two rooms with ada
    await createRoom(ada, [{ user_id: offline, email: 'olga@example.com', name: 'Olga' }]);
    await Promise.all([ravi.sync(), bob.sync(), stranger.sync()]);

    expect(await ask(ada)).toEqual([ravi.id, bob.id].sort());
    expect(await ask(ravi)).toEqual([adaId, bob.id].sort());
    expect(await ask(stranger)).toEqual([]);
    const list = ravi.log.filter((r) => r.event === 'online_status_show').at(-1)!.payload;
    expect(list).toContainEqual({ user_id: adaId, email: ada.user.email, name: ada.user.name });
    expect(ada.count('online_status_show')).toBe(1);
  });

  it('drops a user once their last socket disconnects', async () => {
    const ada = await h.connect(uniqueId('ada'));
    const raviId = uniqueId('ravi');
    const ravi = await h.connect(raviId);
    const raviTab = await h.connect(raviId);
    await createRoom(ada, [ravi.user]);
    await Promise.all([ravi.sync(), raviTab.sync()]);
    expect(await ask(ada)).toEqual([raviId]);
    ravi.client.close();
    await waitFor(() => h.server.server.io.of('/').sockets.size === 2, 'a socket to leave');
    expect(await ask(ada)).toEqual([raviId]);
    raviTab.client.close();
    const user = await h.stored(raviId);
    await waitFor(() => h.server.server.io.of('/').sockets.size === 1, 'ravi to leave');
    await expect.poll(() => h.core.isOnline(user!.id)).toBe(false);
    expect(await ask(ada)).toEqual([]);
  });
});
