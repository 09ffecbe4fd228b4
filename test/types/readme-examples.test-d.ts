/**
 * The README's client examples, type-checked (by `npm run lint`), so the README stays true when
 * the specs change.
 */
import { connectMarketplaceChat, connectMarketplacePresence } from '../../generated/marketplace/client.js';
import { connectMessenger } from '../../generated/messenger/client.js';
import { connectRooms } from '../../generated/rooms/client.js';
import { connectTeamchat } from '../../generated/teamchat/client.js';

export async function readmeExamples(token: string): Promise<void> {
  const messenger = connectMessenger('http://localhost:4100', { auth: { token } });
  messenger.on('newMessage', (m) => console.log(m.senderid, m.message));
  messenger.sendMessage({ messageid: 'c1', senderid: 'alice', receiverid: 'bob', message: 'Hi Bob' });

  const rooms = connectRooms('http://localhost:4200', { auth: { token } });
  rooms.on('set_chats', ({ chats }) => console.log(chats));
  rooms.getChats({ user: { user_id: 'alice', email: 'alice@example.com', name: 'Alice' } });

  const presence = connectMarketplacePresence('http://localhost:4300', { auth: { token } });
  await presence.ready();
  const market = connectMarketplaceChat('http://localhost:4300', { auth: { token } });
  market.on('receiveMessage', ({ data }) => console.log(data));
  market.sendMessage({ productId: '12345', recipientId: 7, text: 'Is it still available?' });

  const team = connectTeamchat('http://localhost:4400', { auth: { token } });
  team.on('connectRooms', (list) => console.log(list));
  team.onUserMessage({ userId: 'alice' }, (m) => console.log('new conversation', m.room_id));
  team.connectRooms({ user_id: 'alice', first_name: 'Alice' });
}
