/**
 * Every server payload valid, whatever the store holds: users without a profile, ids the email
 * format rejects, pictures that are not URIs. (The socket tests validate every payload they
 * receive; these cases are hard to reach over a socket.)
 */
import { describe, expect, it } from 'vitest';
import { validate } from '../../generated/rooms/validators.js';
import type { ConversationDetails, User } from '../../src/core/index.js';
import { imageOf, toWireRoom, toWireUser } from '../../src/rooms/wire.js';

const at = new Date('2026-01-02T03:04:05.000Z');
const user = (externalId: string, fields: Partial<Pick<User, 'name' | 'email' | 'picture'>> = {}): User => ({
  id: `id-${externalId}`,
  realm: 'rooms',
  externalId,
  name: null,
  email: null,
  picture: null,
  createdAt: at,
  updatedAt: at,
  ...fields,
});

describe('rooms payloads from stored data', () => {
  it.each([
    ['a full profile', user('u-1', { name: 'Ada', email: 'ada@example.com' }), { user_id: 'u-1', email: 'ada@example.com', name: 'Ada' }],
    ['no profile yet', user('u-2'), { user_id: 'u-2', email: 'u-2@unknown.invalid', name: 'u-2' }],
    ['an id no address may hold', user('.a:b..c'), { user_id: '.a:b..c', email: '_a_b__c@unknown.invalid', name: '.a:b..c' }],
    ['a stored address the spec rejects', user('u-3', { email: 'not an email' }), { user_id: 'u-3', email: 'u-3@unknown.invalid', name: 'u-3' }],
  ])('shows a user with %s', (_name, given, want) => {
    const wire = toWireUser(given);
    expect(wire).toEqual(want);
    expect(validate('/', 'server', 'online_status_show', [wire])).toEqual([]);
  });

  it.each([
    ['an https URL', 'https://example.com/a.png', 'https://example.com/a.png'],
    ['no picture', null, null],
    ['a relative path', '/a.png', null],
    ['text with spaces', 'my picture', null],
    ['an over-long URL', `https://example.com/${'a'.repeat(2048)}`, null],
  ])('takes %s as a room image: %s', (_name, given, want) => {
    expect(imageOf(given)).toBe(want);
  });

  it('shows a one-to-one room under the other participant, valid for either side', () => {
    const ada = user('ada', { name: 'Ada', picture: 'not a url' });
    const ravi = user('ravi', { name: 'Ravi', picture: 'https://example.com/ravi.png' });
    const participant = (u: User) => ({ conversationId: 'r1', userId: u.id, role: 'member' as const, joinedAt: at, readSeq: 0, deliveredSeq: 0, user: u });
    const details: ConversationDetails = {
      conversation: { id: 'r1', kind: 'direct', key: 'k', name: null, image: null, metadata: {}, createdBy: ada.id, createdAt: at, lastMessageAt: null, lastSeq: 0 },
      participants: [participant(ada), participant(ravi)],
    };
    const atAda = toWireRoom(details, ada.id);
    const atRavi = toWireRoom(details, ravi.id);
    expect([atAda.name, atAda.image, atRavi.name, atRavi.image]).toEqual(['Ravi', 'https://example.com/ravi.png', 'Ada', null]);
    for (const channel of [atAda, atRavi]) expect(validate('/', 'server', 'add_room', { channel })).toEqual([]);
  });
});
