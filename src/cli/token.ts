/** `parley token`: prints a development token in the shape a protocol's handshake expects. */
import { mintToken } from '../auth/tokens.js';
import { jwtIssuerFromOptions, jwtKeyFromOptions } from '../server/config.js';
import { buildModel } from '../spec/model.js';
import { readSpecFile } from '../spec/source.js';
import { specPathOf, PROTOCOL_NAMES } from '../server/protocols.js';
import { parseOptions, UsageError, type Command } from './command.js';

export const tokenCommand: Command = {
  name: 'token',
  summary: 'print a development JWT for a protocol and user',
  help: `Usage: parley token --protocol <name> --user <id> [options]

Prints a signed JWT whose claims have the shape the protocol's spec requires, for
trying the servers or the mock by hand. Signed with the same secret 'parley serve'
uses (PARLEY_JWT_SECRET_<PROTOCOL>, PARLEY_JWT_SECRET, or the development secret).
Its audience (aud) is the protocol and its issuer (iss) the deployment's, which the
servers require: a token for one protocol opens no other.

Options:
  --protocol NAME   ${PROTOCOL_NAMES.join(', ')}
  --user ID         the user id (marketplace: the numeric id)
  --type ROLE       marketplace: customer, vendor or admin
  --name NAME       a display name claim, where the protocol has one
  --expires SPAN    lifetime, e.g. 30m, 12h, 7d (default 12h)
  --jwt-secret S    the HS256 secret (default: PARLEY_JWT_SECRET_<PROTOCOL>,
                    PARLEY_JWT_SECRET, or the dev secret)
  --jwt-issuer ISS  the issuer (default: PARLEY_JWT_ISSUER, else 'parley')
  -h, --help        show this help

Example:
  parley token --protocol marketplace --user 2 --type customer`,
  async run(argv) {
    const { values } = parseOptions(argv, {
      protocol: { type: 'string' },
      user: { type: 'string' },
      type: { type: 'string' },
      name: { type: 'string' },
      expires: { type: 'string' },
      'jwt-secret': { type: 'string' },
      'jwt-issuer': { type: 'string' },
    });
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    if (!values.protocol || !PROTOCOL_NAMES.includes(values.protocol)) throw new UsageError(`--protocol must be one of ${PROTOCOL_NAMES.join(', ')}`);
    if (!values.user) throw new UsageError('--user is required');
    const model = buildModel(readSpecFile(specPathOf(values.protocol)));
    const attributes: Record<string, string> = {};
    if (values.type) attributes.type = values.type;
    const claims: Record<string, unknown> = {};
    if (values.name) {
      // The display-name claim the protocol's spec knows (messenger/rooms: name, teamchat: first_name).
      const ns = model.namespaces.find((n) => n.socketio.handshake.jwt)!;
      const known = Object.values(ns.socketio.handshake.jwt!.attributes ?? {});
      claims[known.includes('first_name') ? 'first_name' : 'name'] = values.name;
    }
    try {
      const key = jwtKeyFromOptions({ jwtSecret: values['jwt-secret'] }, values.protocol);
      const token = await mintToken(model, key, { user: values.user, attributes, claims, expiresIn: values.expires, issuer: jwtIssuerFromOptions(values['jwt-issuer']) });
      console.log(token);
      return 0;
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  },
};
