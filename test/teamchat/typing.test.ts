/** `typing`: to every member of the room, the typist included, with who is typing; nothing stored. */
import { expect, it } from 'vitest';
import type { Typing } from '../../generated/teamchat/types.js';
import { nextEvent } from '../helpers/net.js';
import { describeEachBackend } from '../storage/backends.js';
import { nextError, received, useTeamchat } from './harness.js';

describeEachBackend('teamchat typing', (backend) => {
  const t = useTeamchat(backend);

  it('tells every member of the room, the typist included, who is typing', async () => {
    const [ada, grace] = [t.user('ada'), t.user('grace')];
    const room = await t.group(ada, [grace]);
    const [adaClient, graceClient, stranger] = await Promise.all([t.connect(ada), t.connect(grace), t.connect(t.user('mallory'))]);
    const atGrace = nextEvent<Typing>(graceClient.socket, 'typing');
    const atAda = nextEvent<Typing>(adaClient.socket, 'typing');
    adaClient.typing({ room_id: room, message: 'I am typing...' });
    const want = { room_id: room, message: 'I am typing...', user_id: ada };
    expect(await atGrace).toEqual(want);
    expect(await atAda).toEqual(want);
    expect(received(stranger, 'typing')).toEqual([]);
    const core = t.server().core;
    expect((await core.history((await core.findUser('teamchat', ada))!.id, room)).items).toEqual([]);
  });

  it('refuses a non-member with 403, and tells the room nothing', async () => {
    const [ada, grace, mallory] = [t.user('ada'), t.user('grace'), t.user('mallory')];
    const room = await t.group(ada, [grace]);
    const [graceClient, malloryClient] = await Promise.all([t.connect(grace), t.connect(mallory)]);
    const error = nextError(malloryClient);
    malloryClient.typing({ room_id: room, message: 'I am typing...' });
    expect(await error).toMatchObject({ event: 'typing', statusCode: 403, field: 'room_id' });
    const next = nextEvent<Typing>(graceClient.socket, 'typing');
    graceClient.typing({ room_id: room, message: 'me' });
    expect(await next).toMatchObject({ user_id: grace });
    expect(received(graceClient, 'typing')).toHaveLength(1);
  });
});
