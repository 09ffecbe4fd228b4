/**
 * Values that look real. json-schema-faker fills a schema with values of the right type; here a
 * field's name, format and component decide what a human would expect in it: a person's name in
 * `username`, an https picture in `profilePic`, a recent ISO time in `createdAt`, an ObjectId
 * where the spec's ids are ObjectIds. A realistic value is only used when it fits the schema.
 */
import { Faker, base, en } from '@faker-js/faker';
import { dominantShape, makeId, type IdShape } from './ids.js';
import type { Random } from '../state/random.js';

export type Hint =
  | 'id'
  | 'fullName'
  | 'firstName'
  | 'lastName'
  | 'email'
  | 'avatarUrl'
  | 'imageUrl'
  | 'logoUrl'
  | 'fileUrl'
  | 'url'
  | 'dateTime'
  | 'chatText'
  | 'typingText'
  | 'productName'
  | 'companyName'
  | 'groupName'
  | 'price'
  | 'bytes'
  | 'mimeType'
  | 'fileName'
  | 'count';

/** Everyday chat lines: what a UI shows in a conversation. */
export const CHAT_LINES: readonly string[] = [
  'Hey! How are you doing?',
  'Are you free for a quick call later?',
  'Sounds good to me 👍',
  'I just sent you the file.',
  'Can you check the latest version?',
  'Thanks, that helps a lot!',
  'On my way, be there in 10 minutes.',
  'Did you see the email from this morning?',
  'Let me know when you are back.',
  'Perfect, see you tomorrow then.',
  'Is this still available?',
  'What time works best for you?',
  'Haha, that is great 😄',
  'I will get back to you by the end of the day.',
  'Could you share the address again?',
  'Yes, I received it. Thank you!',
  'Running a bit late, sorry!',
  'Happy to help anytime.',
  'Let us move the meeting to Friday.',
  'Looks perfect, ship it 🚀',
  'Do you have it in another colour?',
  'Can we discuss the price?',
  'Good morning! ☀️',
  'No worries at all.',
];

const GROUP_NAMES: readonly string[] = ['Design team', 'Weekend plans', 'Product launch', 'Family', 'Book club', 'Marketing', 'Frontend guild', 'Support', 'Trip to Lisbon', 'Daily stand-up'];
const MIME_TYPES: readonly string[] = ['image/jpeg', 'image/png', 'application/pdf', 'video/mp4', 'audio/mpeg'];

/** The realistic kind of value for a field, from its name, format and component. */
export function hintFor(prop: string | undefined, component: string | undefined, schema: Record<string, unknown>, idShapes: ReadonlyMap<string, IdShape>): Hint | undefined {
  if (schema.const !== undefined || Array.isArray(schema.enum)) return undefined;
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const isString = types.includes('string');
  const isInteger = types.includes('integer') || types.includes('number');
  const name = (prop ?? '').toLowerCase().replace(/[^a-z0-9]/g, '');
  if (component && idShapes.has(component)) return 'id';
  if (isInteger) {
    if (/count|unread|total/.test(name)) return 'count';
    if (/size|bytes/.test(name)) return 'bytes';
    return undefined;
  }
  if (!isString) return undefined;
  if (schema.format === 'date-time' || /^(createdat|updatedat|timestamp|datecreated|dateedited|lastmessageat|lastmessagetimestamp|sentat)$/.test(name)) return 'dateTime';
  if (schema.format === 'email' || /email/.test(name)) return 'email';
  if (/(pic|picture|avatar|photo|profileimage)$/.test(name)) return 'avatarUrl';
  if (/logo/.test(name)) return 'logoUrl';
  if (/image|img/.test(name) && (schema.format === 'uri' || /url/.test(name))) return 'imageUrl';
  if (/contenturl|fileurl|mediaurl/.test(name)) return 'fileUrl';
  if (schema.format === 'uri' || /(url|uri|link|href)$/.test(name) || name === 'url') return 'url';
  if (/^(firstname|givenname)$/.test(name)) return 'firstName';
  if (/^(lastname|familyname|surname)$/.test(name)) return 'lastName';
  if (/^(name|username|fullname|displayname|customername|lastmessageusername|sendername|user)$/.test(name)) return 'fullName';
  if (/(store|company|shop|vendor|brand)name$/.test(name)) return 'companyName';
  if (/productname|itemname|title$/.test(name)) return 'productName';
  if (/(room|group|channel|chat)name$/.test(name)) return 'groupName';
  if (/price|amount|cost/.test(name)) return 'price';
  if (/size|bytes/.test(name)) return 'bytes';
  if (/mimetype|contenttype/.test(name)) return 'mimeType';
  if (/filename/.test(name)) return 'fileName';
  if (/typing/.test(name)) return 'typingText';
  if (/^(message|text|body|messagebody|content|lastmessage|caption)$/.test(name)) return 'chatText';
  if (name === 'id' || name === '_id' || name.endsWith('id')) {
    // An id whose component has no examples: the spec's most common id shape.
    return idShapes.has('*') ? 'id' : undefined;
  }
  return undefined;
}

/** Learns each id component's shape from example values (`{ StoredId: [...], UserId: [...] }`). */
export function learnIdShapes(examples: ReadonlyMap<string, readonly unknown[]>): Map<string, IdShape> {
  const shapes = new Map<string, IdShape>();
  const all: unknown[] = [];
  for (const [component, values] of examples) {
    if (!/id$/i.test(component)) continue;
    const shape = dominantShape(values);
    if (shape) shapes.set(component, shape);
    all.push(...values);
  }
  const overall = dominantShape(all.filter((v) => typeof v === 'string'));
  if (overall) shapes.set('*', overall);
  return shapes;
}

/** The source of realistic values: a faker instance driven by the mock's seeded random streams. */
export class Realism {
  readonly faker = new Faker({ locale: [en, base] });

  constructor(
    readonly idShapes: ReadonlyMap<string, IdShape>,
    private readonly now: () => number,
  ) {}

  /** Seeds faker from a random stream, so that faker's values follow the mock's seed. */
  private seeded(rng: Random): Faker {
    this.faker.seed(rng.int(2 ** 31));
    return this.faker;
  }

  /** A new id of a component's shape (or the spec's usual shape). */
  id(component: string | undefined, rng: Random, fallback: IdShape = { kind: 'objectId' }): string | number {
    const shape = (component && this.idShapes.get(component)) || this.idShapes.get('*') || fallback;
    return makeId(shape, rng, this.now(), () => this.seeded(rng).person.firstName());
  }

  /** A realistic value for a hint; undefined when there is none. */
  value(hint: Hint, rng: Random, component?: string): unknown {
    const f = this.seeded(rng);
    switch (hint) {
      case 'id':
        return this.id(component, rng);
      case 'fullName':
        return f.person.fullName();
      case 'firstName':
        return f.person.firstName();
      case 'lastName':
        return f.person.lastName();
      case 'email':
        return f.internet.email().toLowerCase();
      case 'avatarUrl':
        return f.image.avatar();
      case 'imageUrl':
        return f.image.urlPicsumPhotos({ width: 640, height: 480, blur: 0, grayscale: false });
      case 'logoUrl':
        return f.image.urlPicsumPhotos({ width: 200, height: 200, blur: 0, grayscale: false });
      case 'fileUrl':
        return `https://cdn.example.com/files/${rng.hex(12)}/${f.system.commonFileName('pdf')}`;
      case 'url':
        return f.internet.url({ appendSlash: false });
      case 'dateTime':
        return new Date(this.now() - rng.int(14 * 86_400_000)).toISOString();
      case 'chatText':
        return rng.pick(CHAT_LINES);
      case 'typingText':
        return 'is typing…';
      case 'productName':
        return f.commerce.productName();
      case 'companyName':
        return f.company.name();
      case 'groupName':
        return rng.pick(GROUP_NAMES);
      case 'price':
        return f.commerce.price({ min: 5, max: 900 });
      case 'bytes':
        return String(rng.int(2_000, 5_000_000));
      case 'mimeType':
        return rng.pick(MIME_TYPES);
      case 'fileName':
        return f.system.commonFileName(rng.pick(['pdf', 'png', 'jpg', 'mp4']));
      case 'count':
        return rng.int(0, 4);
    }
  }

  /** A person: the profile of a fake user, stable for a given random stream. */
  person(rng: Random): { name: string; first_name: string; last_name: string; email: string; picture: string } {
    const f = this.seeded(rng);
    const first = f.person.firstName();
    const last = f.person.lastName();
    return {
      name: `${first} ${last}`,
      first_name: first,
      last_name: last,
      email: f.internet.email({ firstName: first, lastName: last }).toLowerCase(),
      picture: f.image.avatar(),
    };
  }
}
