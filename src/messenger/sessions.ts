/**
 * The connected user of a socket: their profile comes from the token (name → username,
 * picture → profilePic) and is refreshed in the core on every connection.
 */
import type { Context } from '../../generated/messenger/server.js';
import { WORDING, type MessengerContext, type Session } from './context.js';
import { REALM } from './directory.js';
import { refusing } from '../server/refusals.js';

const claimText = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

/**
 * Records the socket's user in the core (created, or their profile refreshed from the token;
 * trust mode has no profile and keeps the stored one) and opens the socket's session, which
 * counts the user online. Resolves the session and whether this is the user's first socket.
 */
export async function identify(mc: MessengerContext, ctx: Context): Promise<{ session: Session; first: boolean }> {
  const user = await refusing(
    () =>
      mc.core.upsertUser({
        realm: REALM,
        externalId: ctx.userId,
        name: claimText(ctx.attributes.name),
        picture: claimText(ctx.attributes.picture),
      }),
    WORDING,
  );
  mc.directory.remember(user);
  const session = { userId: user.id, externalId: user.externalId };
  return { session, first: await mc.sessions.open(ctx.socket, session) };
}

/**
 * The socket's session. It is made on connect; should that have failed (the store was
 * unreachable), the first event makes it instead of failing for the connection's lifetime.
 */
export async function sessionOf(mc: MessengerContext, ctx: Context): Promise<Session> {
  return mc.sessions.get(ctx.socket) ?? (await identify(mc, ctx)).session;
}
