/**
 * Users as the mock knows them: their keys (`role:id` where the protocol has roles), their ids
 * as the protocol writes them, and their profiles (names, emails, pictures) taken from tokens and
 * requests, completed with a fake person that stays the same for a given seed and user.
 */
import { hash32, Random } from './random.js';
import type { Realism } from '../payloads/realism.js';
import type { Profile, Store, UserKey, UserRecord } from './state.js';

export interface RolesConfig {
  readonly attribute: string;
  readonly allowed: readonly string[];
  readonly counterpart: Readonly<Record<string, string>>;
}

const PROFILE_KEYS: readonly [RegExp, keyof Profile][] = [
  [/^(name|username|fullname|displayname)$/, 'name'],
  [/^(firstname|givenname)$/, 'first_name'],
  [/^(lastname|familyname|surname)$/, 'last_name'],
  [/^email$/, 'email'],
  [/(pic|picture|avatar|photo)$/, 'picture'],
];

/** The profile fields found in an object (`{ name, email }`, `{ first_name, profilePic }`). */
export function profileFields(obj: Readonly<Record<string, unknown>>): Profile {
  const out: Profile = {};
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v !== 'string' || v === '') continue;
    const n = k.toLowerCase().replace(/[^a-z0-9]/g, '');
    for (const [re, field] of PROFILE_KEYS) if (re.test(n)) out[field] = v;
  }
  if (!out.name && (out.first_name || out.last_name)) out.name = [out.first_name, out.last_name].filter(Boolean).join(' ');
  return out;
}

export class Users {
  /** Fake people by seed and user key: making one seeds faker, which is too slow for every event. */
  private readonly people = new Map<string, ReturnType<Realism['person']>>();

  constructor(
    private readonly store: () => Store,
    private readonly realism: Realism,
    private readonly seed: () => number,
    readonly roles?: RolesConfig,
  ) {}

  /** The key of a user id written by `actorRole`'s side: with roles, a user of the counterpart role. */
  keyOf(id: unknown, actorRole?: string, role?: string): UserKey {
    const raw = typeof id === 'number' ? id : String(id);
    if (!this.roles) {
      this.store().ensureUser(String(raw), raw);
      return String(raw);
    }
    const r = role ?? (actorRole ? (this.roles.counterpart[actorRole] ?? actorRole) : this.roles.allowed[0]!);
    const key = `${r}:${raw}`;
    this.store().ensureUser(key, raw, { role: r });
    return key;
  }

  /** The id of a user key as the protocol writes it. */
  idOf(key: UserKey): string | number {
    const user = this.store().users.get(key);
    if (user) return user.id;
    return this.roles ? key.slice(key.indexOf(':') + 1) : key;
  }

  /** The role of a user key (protocols with roles). */
  roleOf(key: UserKey): string | undefined {
    return this.store().users.get(key)?.role ?? (this.roles ? key.slice(0, key.indexOf(':')) : undefined);
  }

  /** The record of a connected user, created with what the handshake says about them. */
  connected(key: UserKey, id: string | number, attributes: Readonly<Record<string, unknown>>): UserRecord {
    const role = this.roles ? String(attributes[this.roles.attribute] ?? key.slice(0, key.indexOf(':'))) : undefined;
    const user = this.store().ensureUser(key, id, { role });
    this.merge(user, profileFields(attributes));
    return user;
  }

  /** Adds what a request says about a user (a name, an email) to their profile. */
  learn(key: UserKey, fields: Readonly<Record<string, unknown>>): void {
    const found = profileFields(fields);
    if (Object.keys(found).length === 0) return;
    const user = this.store().users.get(key);
    if (user) this.merge(user, found);
  }

  /** Adds fields to a profile; a new profile object when anything changed (profiles are cached by object). */
  private merge(user: UserRecord, fields: Profile): void {
    const entries = Object.entries(fields) as [keyof Profile, string][];
    if (entries.every(([k, v]) => user.profile[k] === v)) return;
    user.profile = { ...user.profile, ...fields };
  }

  /** The fake person of a user key for the current seed (always the same one). */
  private person(key: UserKey): ReturnType<Realism['person']> {
    const cacheKey = `${this.seed()}\u0000${key}`;
    let person = this.people.get(cacheKey);
    if (!person) {
      if (this.people.size > 50_000) this.people.clear();
      person = this.realism.person(new Random(hash32(this.seed(), 'person', key)));
      this.people.set(cacheKey, person);
    }
    return { ...person };
  }

  /** Whole profiles, until what is known of the user changes (the record's profile object is replaced then). */
  private readonly profiles = new WeakMap<Profile, { seed: number; profile: Required<Profile> }>();

  /** A user's whole profile: what is known, completed with a fake person stable for this seed. */
  profile(key: UserKey): Required<Profile> {
    const user = this.store().users.get(key);
    if (user) {
      const cached = this.profiles.get(user.profile);
      if (cached && cached.seed === this.seed()) return cached.profile;
      const profile = this.computeProfile(key);
      this.profiles.set(user.profile, { seed: this.seed(), profile });
      return profile;
    }
    return this.computeProfile(key);
  }

  private computeProfile(key: UserKey): Required<Profile> {
    const user = this.store().users.get(key);
    const known = user?.profile ?? {};
    const person = this.person(key);
    // A real user known only by an id such as `u-ada` is called Ada.
    const word = /^[a-z]{1,3}[-_]([a-z]+)$/i.exec(String(user?.id ?? ''))?.[1];
    if (word && !user?.fake && !known.name && !known.first_name) {
      person.first_name = word[0]!.toUpperCase() + word.slice(1);
      person.name = `${person.first_name} ${person.last_name}`;
    }
    const first = known.first_name ?? (known.name ? known.name.split(' ')[0]! : person.first_name);
    const last = known.last_name ?? (known.name ? known.name.split(' ').slice(1).join(' ') || person.last_name : person.last_name);
    return {
      name: known.name ?? [known.first_name ?? person.first_name, known.last_name ?? person.last_name].join(' '),
      first_name: first,
      last_name: last,
      email: known.email ?? person.email,
      picture: known.picture ?? person.picture,
    };
  }

  /** A new fake peer (of `role` where the protocol has roles) with an id of the protocol's shape. */
  fakePeer(rng: Random, idComponent: string | undefined, role?: string): UserRecord {
    const store = this.store();
    for (let attempt = 0; ; attempt++) {
      let id = this.realism.id(idComponent, rng);
      if (attempt > 3 && typeof id === 'string') id = `${id}${rng.int(10, 99)}`;
      const key = this.roles ? `${role ?? this.roles.allowed[0]}:${id}` : String(id);
      if (store.users.has(key)) continue;
      const user = store.ensureUser(key, id, { role: this.roles ? (role ?? this.roles.allowed[0]) : undefined, fake: true });
      const person = this.person(key);
      // `u-grace` style ids: the id names the person.
      if (typeof id === 'string' && /^[a-z]{1,3}[-_][a-z]+$/i.test(id)) {
        const word = id.split(/[-_]/)[1]!;
        person.first_name = word[0]!.toUpperCase() + word.slice(1);
        person.name = `${person.first_name} ${person.last_name}`;
      }
      user.profile = person;
      return user;
    }
  }
}
