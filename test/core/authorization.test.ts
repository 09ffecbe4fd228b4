/**
 * Who may do what: every operation on a conversation or message, by a stranger (forbidden),
 * on something that does not exist (notFound), and by a participant who is not the sender
 * (forbidden for edit and delete, allowed for pin).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChatCore } from '../../src/core/chat-core.js';
import type { ErrorKind } from '../../src/core/errors.js';
import type { Conversation, Message, User } from '../../src/core/types.js';
import { describeEachBackend, useCore } from '../storage/backends.js';
import { makeUsers } from './fixtures.js';

const MISSING = '665f1c2e9b1e8a0000000000';

interface World {
  sender: User;
  peer: User;
  stranger: User;
  conversation: Conversation;
  message: Message;
  elsewhere: Conversation;
}

type Case = [name: string, want: ErrorKind, run: (core: ChatCore, w: World) => Promise<unknown>];

const CASES: Case[] = [
  // A stranger, on someone else's conversation.
  ['a stranger reads the history', 'forbidden', (c, w) => c.history(w.stranger.id, w.conversation.id)],
  ['a stranger reads the conversation', 'forbidden', (c, w) => c.getConversation(w.stranger.id, w.conversation.id)],
  ['a stranger reads a message', 'forbidden', (c, w) => c.getMessage(w.stranger.id, w.message.id)],
  ['a stranger sends', 'forbidden', (c, w) => c.storeMessage({ conversationId: w.conversation.id, senderId: w.stranger.id, text: 'x' })],
  ['a stranger marks read', 'forbidden', (c, w) => c.markRead(w.stranger.id, w.conversation.id)],
  ['a stranger asks the unread count', 'forbidden', (c, w) => c.unreadCount(w.stranger.id, w.conversation.id)],
  ['a stranger pins', 'forbidden', (c, w) => c.pinMessage({ userId: w.stranger.id, messageId: w.message.id, pinned: true })],
  ['a stranger lists pins', 'forbidden', (c, w) => c.pinnedMessages(w.stranger.id, w.conversation.id)],
  ['a stranger deletes', 'forbidden', (c, w) => c.deleteMessage({ userId: w.stranger.id, messageId: w.message.id })],
  // A participant who did not send the message.
  ["the peer edits the sender's message", 'forbidden', (c, w) => c.editMessage({ userId: w.peer.id, messageId: w.message.id, text: 'y' })],
  ["the peer deletes the sender's message", 'forbidden', (c, w) => c.deleteMessage({ userId: w.peer.id, messageId: w.message.id })],
  // Things that do not exist.
  ['history of an unknown conversation', 'notFound', (c, w) => c.history(w.sender.id, MISSING)],
  [
    'sending to an unknown conversation',
    'notFound',
    (c, w) => c.storeMessage({ conversationId: MISSING, senderId: w.sender.id, text: 'x' }),
  ],
  ['marking read an unknown conversation', 'notFound', (c, w) => c.markRead(w.sender.id, MISSING)],
  ['editing an unknown message', 'notFound', (c, w) => c.editMessage({ userId: w.sender.id, messageId: MISSING, text: 'y' })],
  ['deleting an unknown message', 'notFound', (c, w) => c.deleteMessage({ userId: w.sender.id, messageId: MISSING })],
  ['pinning an unknown message', 'notFound', (c, w) => c.pinMessage({ userId: w.sender.id, messageId: MISSING, pinned: true })],
  ['marking read up to an unknown message', 'notFound', (c, w) => c.markRead(w.peer.id, w.conversation.id, { upTo: MISSING })],
  // A message named with the wrong conversation (the `messageInConversation` guard).
  [
    'deleting a message through another conversation',
    'notFound',
    (c, w) => c.deleteMessage({ userId: w.sender.id, messageId: w.message.id, conversationId: w.elsewhere.id }),
  ],
  [
    'editing a message through another conversation',
    'notFound',
    (c, w) => c.editMessage({ userId: w.sender.id, messageId: w.message.id, text: 'y', conversationId: w.elsewhere.id }),
  ],
  [
    'pinning a message through another conversation',
    'notFound',
    (c, w) => c.pinMessage({ userId: w.sender.id, messageId: w.message.id, pinned: true, conversationId: w.elsewhere.id }),
  ],
  // Messaging oneself.
  ['opening a direct conversation with oneself', 'invalidRequest', (c, w) => c.openDirect(w.sender.id, w.sender.id, { create: true })],
];

describeEachBackend('authorization', (backend) => {
  const core = useCore(backend);
  let world: World;

  beforeAll(async () => {
    const [sender, peer, stranger, third] = (await makeUsers(core(), 4)) as [User, User, User, User];
    const { conversation } = await core().openDirect(sender.id, peer.id, { create: true });
    const { conversation: elsewhere } = await core().openDirect(sender.id, third.id, { create: true });
    const { message } = await core().storeMessage({ conversationId: conversation.id, senderId: sender.id, text: 'original' });
    world = { sender, peer, stranger, conversation, message, elsewhere };
  });

  it.each(CASES)('%s: %s', async (_name, want, run) => {
    await expect(run(core(), world)).rejects.toMatchObject({ name: 'ChatError', kind: want });
  });

  describe('after all the refusals', () => {
    it('nothing changed', async () => {
      const message = await core().getMessage(world.sender.id, world.message.id);
      expect(message).toEqual(world.message);
      expect((await core().history(world.peer.id, world.conversation.id)).items).toHaveLength(1);
    });

    it("the peer may still pin the sender's message", async () => {
      await expect(core().pinMessage({ userId: world.peer.id, messageId: world.message.id, pinned: true })).resolves.toMatchObject({
        changed: true,
      });
    });
  });
});
