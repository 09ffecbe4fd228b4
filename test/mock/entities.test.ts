/**
 * What the mock learns from each spec about its entities: which field of a Thread, Room, Chat or
 * Message holds the id, the participants, the text, the unread count… (mock-server/spec/entities.ts).
 * One table per spec, written from the specs by hand.
 */
import { describe, expect, it } from 'vitest';
import { entityPlans } from '../../mock-server/spec/entities.js';
import { loadSpec as loadMockSpec } from '../../mock-server/spec/spec.js';
import { specPath } from '../helpers/specs.js';

const cases: [string, string, Record<string, string>][] = [
  ['messenger', 'Thread', { _id: 'id', participants: 'participants', last_message: 'lastText', last_message_sender_id: 'lastSender', last_message_Username: 'lastSenderName', last_message_timestamp: 'lastAt', contentType: 'lastKind', unreadCount: 'unread' }],
  ['messenger', 'NewMessage', { _id: 'id', messageid: 'clientId', senderid: 'sender', receiverid: 'receiver', message: 'text', createdAt: 'createdAt' }],
  ['messenger', 'NewMedia', { _id: 'id', messageid: 'clientId', senderid: 'sender', receiverid: 'receiver', contentType: 'kind', contentURL: 'mediaUrl', createdAt: 'createdAt' }],
  ['rooms', 'Room', { _id: 'id', name: 'name', image: 'image', is_group: 'isGroup', participants: 'participants', created_at: 'createdAt', last_message: 'lastMessage', unread_messages_count: 'unread' }],
  ['rooms', 'Message', { _id: 'id', room: 'conversation', message_body: 'text', type: 'kind', user: 'senderUser', timestamp: 'createdAt' }],
  ['marketplace', 'Chat', { id: 'id', productId: 'scope:0', vendorId: 'roleId:vendor', customerId: 'roleId:customer', customerName: 'roleName:customer', customerProfilePic: 'rolePicture:customer', lastMessageAt: 'lastAt', createdAt: 'createdAt', updatedAt: 'updatedAt', messages: 'messages' }],
  ['marketplace', 'Message', { id: 'id', senderId: 'sender', text: 'text', timestamp: 'createdAt', read: 'read', recipientOnline: 'delivered', chatId: 'conversation', senderType: 'senderRole', messageMedias: 'media' }],
  ['teamchat', 'Room', { _id: 'id', room_name: 'name', type: 'kindEnum', recipients: 'participants', creator_id: 'creator', image_url: 'image', pinned_messages: 'pinned', dateCreated: 'createdAt' }],
  ['teamchat', 'Message', { _id: 'id', room_id: 'conversation', message: 'text', recipients: 'receipts', message_type: 'kind', attachments: 'media', sender_id: 'sender', first_name: 'senderFirstName', last_name: 'senderLastName', dateCreated: 'createdAt', dateEdited: 'editedAt' }],
];

describe('entity plans', () => {
  it.each(cases)('%s %s: the role of each field', async (protocol, entity, want) => {
    const spec = await loadMockSpec(specPath(protocol));
    const plans = entityPlans(spec.model, spec.index, (ref) => spec.eventOf(ref)?.event);
    const plan = plans.get(entity);
    expect(plan).toBeDefined();
    const got = Object.fromEntries(plan!.roles.map((r) => [r.prop, r.arg === undefined ? r.role : `${r.role}:${r.arg}`]));
    expect(got).toEqual(want);
  });

  it('learns roles from the emits before guessing from names', async () => {
    const spec = await loadMockSpec(specPath('messenger'));
    const plan = entityPlans(spec.model, spec.index, (ref) => spec.eventOf(ref)?.event).get('NewMessage')!;
    // `messageid` is filled with the storeMessage clientId in the spec's emits: learnt, not guessed.
    expect(plan.roles.find((r) => r.prop === 'messageid')).toMatchObject({ role: 'clientId', source: 'emit' });
    expect(plan.roles.find((r) => r.prop === '_id')).toMatchObject({ role: 'id', source: 'vocabulary' });
  });
});
