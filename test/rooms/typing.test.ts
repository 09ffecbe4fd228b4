/** `typing_start` / `typing_end`: echoed to every participant of the room, the sender included; only participants. */
import { expect, it } from 'vitest';
import { describeEachBackend } from '../storage/backends.js';
import { createRoom, roomsHarness, uniqueId } from './harness.js';

describeEachBackend('rooms typing', (backend) => {
  const h = roomsHarness(backend);

  it.each([
    ['typing_start', 'show_start_typing'],
    ['typing_end', 'show_end_typing'],
  ] as const)('echoes %s as %s to the room, the sender included, and to no one else', async (event, shown) => {
    const ada = await h.connect(uniqueId('ada'));
    const ravi = await h.connect(uniqueId('ravi'));
    const eve = await h.connect(uniqueId('eve'));
    const room = await createRoom(ada, [ravi.user]);
    await Promise.all([ravi.sync(), eve.sync()]);
    ada.client.socket.emit(event, { room: room._id, user: ada.user });
    const want = { room: room._id, user: ada.user };
    expect(await ada.next(shown)).toEqual(want);
    expect(await ravi.next(shown)).toEqual(want);
    await eve.sync();
    expect(eve.count(shown)).toBe(0);
  });

  it('reaches a room created after the socket connected, and a socket that connected after', async () => {
    const ada = await h.connect(uniqueId('ada'));
    const ravi = await h.connect(uniqueId('ravi'));
    const room = await createRoom(ada, [ravi.user], { name: 'later' });
    const raviTab = await h.connect(ravi.id);
    await raviTab.sync();
    ravi.client.typingStart({ room: room._id, user: ravi.user });
    for (const m of [ada, ravi, raviTab]) await m.next('show_start_typing');
  });

  it('refuses a non-participant (403) and an unknown room (404)', async () => {
    const ada = await h.connect(uniqueId('ada'));
    const ravi = await h.connect(uniqueId('ravi'));
    const eve = await h.connect(uniqueId('eve'));
    const room = await createRoom(ada, [ravi.user]);
    eve.client.typingStart({ room: room._id, user: eve.user });
    expect(await eve.next('error')).toMatchObject({ status_code: 403, data: { event: 'typing_start' } });
    eve.client.typingEnd({ room: 'nope', user: eve.user });
    expect(await eve.next('error', (e) => e.data.event === 'typing_end')).toMatchObject({ status_code: 404 });
    await Promise.all([ada.sync(), ravi.sync()]);
    expect(ada.count('show_start_typing') + ravi.count('show_start_typing') + ravi.count('show_end_typing')).toBe(0);
  });
});
