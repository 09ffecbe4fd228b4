/**
 * The `Room` payload (`connectRooms`, `group_{userId}`) of a core conversation: a group is a
 * `group-chat` with its name, creator and picture; a direct conversation is a `peer-to-peer` room
 * with none of them. `recipients` lists every member, the creator first.
 */
import type { Room } from '../../generated/teamchat/types.js';
import type { ConversationDetails } from '../core/index.js';

/**
 * @param pinned the ids of the room's pinned messages, oldest pin first.
 */
export function toRoom(details: ConversationDetails, pinned: readonly string[]): Room {
  const { conversation, participants } = details;
  const creator = participants.find((p) => p.userId === conversation.createdBy);
  const members = creator === undefined ? participants : [creator, ...participants.filter((p) => p !== creator)];
  const room: Room = {
    _id: conversation.id,
    type: conversation.kind === 'group' ? 'group-chat' : 'peer-to-peer',
    recipients: members.map((p) => p.user.externalId),
    pinned_messages: [...pinned],
    dateCreated: conversation.createdAt.toISOString(),
  };
  if (conversation.kind === 'group') {
    if (conversation.name !== null) room.room_name = conversation.name;
    if (creator !== undefined) room.creator_id = creator.user.externalId;
    if (conversation.image !== null) room.image_url = conversation.image;
  }
  return room;
}
