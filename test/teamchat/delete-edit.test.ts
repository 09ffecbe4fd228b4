/** `deleteMessage` and `editMessage`: the sender only; every member is told; the edit time is kept. */
import { expect, it } from 'vitest';
import type { Message, MessageDeleted, MessageEdited } from '../../generated/teamchat/types.js';
import { nextEvent } from '../helpers/net.js';
import { describeEachBackend } from '../storage/backends.js';
import { nextError, received, useTeamchat, type Client } from './harness.js';

describeEachBackend('teamchat deleteMessage and editMessage', (backend) => {
  const t = useTeamchat(backend);

  async function sent(): Promise<{ ada: string; grace: string; room: string; adaClient: Client; graceClient: Client; message: Message }> {
    const [ada, grace] = [t.user('ada'), t.user('grace')];
    const room = await t.group(ada, [grace]);
    const [adaClient, graceClient] = await Promise.all([t.connect(ada), t.connect(grace)]);
    const got = nextEvent<Message>(graceClient.socket, 'message');
    adaClient.sendMessage({ room_id: room, sender_id: ada, message: 'original' });
    return { ada, grace, room, adaClient, graceClient, message: await got };
  }

  const core = () => t.server().core;
  const stored = async (user: string, id: string) => core().getMessage((await core().findUser('teamchat', user))!.id, id);

  it("deletes the sender's message and tells every member", async () => {
    const { ada, room, adaClient, graceClient, message } = await sent();
    const atGrace = nextEvent<MessageDeleted>(graceClient.socket, 'delete');
    const atAda = nextEvent<MessageDeleted>(adaClient.socket, 'delete');
    adaClient.deleteMessage({ message_id: message._id, user_id: ada, room_id: room });
    const want = { message_id: message._id, user_id: ada, room_id: room };
    expect(await atGrace).toEqual(want);
    expect(await atAda).toEqual(want);
    const after = await stored(ada, message._id);
    expect(after.deletedAt).not.toBeNull();
    expect(after.text).toBeNull();
  });

  it("edits the sender's message, keeps the edit time and sends it", async () => {
    const { ada, room, adaClient, graceClient, message } = await sent();
    const atGrace = nextEvent<MessageEdited>(graceClient.socket, 'edited');
    adaClient.editMessage({ message_id: message._id, message: 'I have edited this message again', room_id: room, user_id: ada });
    const edited = await atGrace;
    expect(edited).toEqual({
      message_id: message._id,
      message: 'I have edited this message again',
      room_id: room,
      user_id: ada,
      dateEdited: expect.any(String),
    });
    const after = await stored(ada, message._id);
    expect(after.text).toBe('I have edited this message again');
    expect(after.editedAt?.toISOString()).toBe(edited.dateEdited);
    expect(Date.parse(edited.dateEdited)).toBeGreaterThanOrEqual(Date.parse(message.dateCreated));
  });

  it.each<[string, 'deleteMessage' | 'editMessage']>([
    ['delete', 'deleteMessage'],
    ['edit', 'editMessage'],
  ])("refuses to %s another member's message with 403, and changes nothing", async (_name, event) => {
    const { grace, room, graceClient, adaClient, message } = await sent();
    const error = nextError(graceClient);
    if (event === 'deleteMessage') graceClient.deleteMessage({ message_id: message._id, user_id: grace, room_id: room });
    else graceClient.editMessage({ message_id: message._id, message: 'hijacked', room_id: room, user_id: grace });
    expect(await error).toMatchObject({ event, statusCode: 403 });
    const after = await stored(grace, message._id);
    expect([after.text, after.deletedAt, after.editedAt]).toEqual(['original', null, null]);
    expect([...received(adaClient, 'delete'), ...received(adaClient, 'edited')]).toEqual([]);
  });

  it.each<[string, 'deleteMessage' | 'editMessage']>([
    ['delete', 'deleteMessage'],
    ['edit', 'editMessage'],
  ])('answers 404 naming message_id when asked to %s a message of another room', async (_name, event) => {
    const { ada, adaClient, message } = await sent();
    const otherRoom = await t.group(ada, [t.user('alan')]);
    const error = nextError(adaClient);
    if (event === 'deleteMessage') adaClient.deleteMessage({ message_id: message._id, user_id: ada, room_id: otherRoom });
    else adaClient.editMessage({ message_id: message._id, message: 'x', room_id: otherRoom, user_id: ada });
    expect(await error).toMatchObject({ event, statusCode: 404, field: 'message_id' });
  });

  it('refuses to edit a deleted message', async () => {
    const { ada, room, adaClient, message } = await sent();
    const deleted = nextEvent(adaClient.socket, 'delete');
    adaClient.deleteMessage({ message_id: message._id, user_id: ada, room_id: room });
    await deleted;
    const error = nextError(adaClient);
    adaClient.editMessage({ message_id: message._id, message: 'back', room_id: room, user_id: ada });
    expect(await error).toMatchObject({ event: 'editMessage', statusCode: 400 });
  });
});
