/**
 * Who is in a room, for the participant guard and for fan-out. Every emit "to the room" goes to
 * each member's user room (`user:<id>`), so it reaches every socket of every member, including
 * sockets that connected before the room existed or never sent `connectRooms`.
 *
 * Teamchat rooms never change members: a group gets its members when created and a
 * peer-to-peer room has its two from the start; the core has no operation that adds or removes
 * a participant. So a room's members, once read, stay true on every server node, and are kept
 * here (bounded, least recently used first out) to spare a query per message. If the core ever
 * lets members change, this cache must be invalidated by that operation.
 */
import { ProtocolError } from '../../generated/teamchat/server.js';
import type { ChatCore, ConversationDetails, ConversationKind } from '../core/index.js';
import { toProtocolError } from '../server/refusals.js';

export interface Member {
  /** The core's user id. */
  readonly id: string;
  /** The user id on the wire. */
  readonly externalId: string;
}

export interface RoomMembers {
  readonly roomId: string;
  readonly kind: ConversationKind;
  /** In joining order. */
  readonly members: readonly Member[];
}

const DEFAULT_CAPACITY = 10_000;

export class RoomMembersCache {
  readonly #rooms = new Map<string, RoomMembers>();

  constructor(
    private readonly core: ChatCore,
    private readonly capacity = DEFAULT_CAPACITY,
  ) {}

  /**
   * The room's members, for one of them: `notFound` for an unknown room, `forbidden` for a
   * user who is not a member (the `participant` guard).
   *
   * @param field the request field naming the room, for the error event.
   */
  async forMember(userId: string, roomId: string, field = 'room_id'): Promise<RoomMembers> {
    const cached = this.#rooms.get(roomId);
    if (cached !== undefined) {
      this.#rooms.delete(roomId);
      this.#rooms.set(roomId, cached);
      if (!cached.members.some((m) => m.id === userId)) {
        throw new ProtocolError('forbidden', `Not a participant of conversation ${roomId}`, field);
      }
      return cached;
    }
    let details: ConversationDetails;
    try {
      details = await this.core.getConversation(userId, roomId);
    } catch (error) {
      // The core's refusal names no field: the room is the request's `field`.
      throw toProtocolError(error, { field, fieldKinds: ['notFound', 'forbidden'] });
    }
    return this.remember(details);
  }

  /** Records a room read elsewhere (a listing, a creation) and returns its members. */
  remember(details: ConversationDetails): RoomMembers {
    return this.put({
      roomId: details.conversation.id,
      kind: details.conversation.kind,
      members: details.participants.map((p) => ({ id: p.userId, externalId: p.user.externalId })),
    });
  }

  /** Records a room whose members are known (a peer-to-peer room: its two users). */
  put(room: RoomMembers): RoomMembers {
    this.#rooms.delete(room.roomId);
    this.#rooms.set(room.roomId, room);
    if (this.#rooms.size > this.capacity) {
      const oldest = this.#rooms.keys().next().value;
      if (oldest !== undefined) this.#rooms.delete(oldest);
    }
    return room;
  }
}

/** The members' wire ids: the recipients of an emit to the whole room. */
export function everyone(room: RoomMembers): string[] {
  return room.members.map((m) => m.externalId);
}
