/**
 * Users: one row per (realm, external id). Protocol adapters resolve wire ids to users here;
 * everything else in the core refers to users by their internal id.
 */
import type { Database } from '../storage/database.js';
import { toDbTime } from '../storage/values.js';
import { invalidPayload, notFound } from './errors.js';
import { newId } from './ids.js';
import { LIMITS } from './limits.js';
import { toUser } from './rows.js';
import type { Realm, User, UserProfile } from './types.js';
import { optionalText, requireId, requireText } from './validate.js';

export class Users {
  constructor(private readonly database: Database) {}

  /**
   * Creates the user or updates their profile from the latest token claims, in one statement
   * (no read-then-write race between two sockets of a new user). A field left `undefined` keeps
   * its stored value; `null` clears it.
   *
   * @example
   * const ada = await users.upsert({ realm: 'messenger', externalId: 'u-ada', name: 'Ada Lovelace' });
   */
  async upsert(profile: UserProfile, now: Date = new Date()): Promise<User> {
    const realm = requireText('realm', profile.realm, LIMITS.realm);
    const externalId = requireId('externalId', profile.externalId);
    const fields = {
      name: profile.name === undefined ? undefined : optionalText('name', profile.name, LIMITS.name),
      email: profile.email === undefined ? undefined : optionalText('email', profile.email, LIMITS.email),
      picture: profile.picture === undefined ? undefined : optionalText('picture', profile.picture, LIMITS.url),
    };
    const at = toDbTime(now);
    const row = await this.database.read((db) =>
      db
        .insertInto('users')
        .values({
          id: newId(now),
          realm,
          external_id: externalId,
          name: fields.name ?? null,
          email: fields.email ?? null,
          picture: fields.picture ?? null,
          created_at: at,
          updated_at: at,
        })
        .onConflict((oc) =>
          oc.columns(['realm', 'external_id']).doUpdateSet((eb) => ({
            updated_at: eb.ref('excluded.updated_at'),
            ...(fields.name === undefined ? {} : { name: eb.ref('excluded.name') }),
            ...(fields.email === undefined ? {} : { email: eb.ref('excluded.email') }),
            ...(fields.picture === undefined ? {} : { picture: eb.ref('excluded.picture') }),
          })),
        )
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
    return toUser(row);
  }

  /**
   * The users of `realm` with these external ids, creating (without a profile) those never
   * seen: a message may name a recipient who has not connected yet. Two queries whatever the
   * number of ids.
   *
   * @returns the users by external id
   */
  async ensure(realm: Realm, externalIds: readonly string[], now: Date = new Date()): Promise<Map<string, User>> {
    requireText('realm', realm, LIMITS.realm);
    const ids = [...new Set(externalIds.map((id, i) => requireId(`externalIds.${i}`, id)))];
    if (ids.length > LIMITS.usersPerCall) throw invalidPayload('externalIds', `must have at most ${LIMITS.usersPerCall} items`);
    if (ids.length === 0) return new Map();
    const at = toDbTime(now);
    const rows = await this.database.read(async (db) => {
      await db
        .insertInto('users')
        .values(ids.map((externalId) => ({ id: newId(now), realm, external_id: externalId, created_at: at, updated_at: at })))
        .onConflict((oc) => oc.columns(['realm', 'external_id']).doNothing())
        .execute();
      return db.selectFrom('users').selectAll().where('realm', '=', realm).where('external_id', 'in', ids).execute();
    });
    return new Map(rows.map((row) => [row.external_id, toUser(row)]));
  }

  /** The user of `realm` with this external id, or null. */
  async find(realm: Realm, externalId: string): Promise<User | null> {
    const row = await this.database.read((db) =>
      db.selectFrom('users').selectAll().where('realm', '=', realm).where('external_id', '=', externalId).executeTakeFirst(),
    );
    return row === undefined ? null : toUser(row);
  }

  /** The user with this internal id; `notFound` if there is none. */
  async get(id: string): Promise<User> {
    const row = await this.database.read((db) => db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst());
    if (row === undefined) throw notFound('User', id);
    return toUser(row);
  }

  /** The users with these internal ids, by id (unknown ids are left out). */
  async getMany(ids: readonly string[]): Promise<Map<string, User>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = await this.database.read((db) => db.selectFrom('users').selectAll().where('id', 'in', unique).execute());
    return new Map(rows.map((row) => [row.id, toUser(row)]));
  }
}
