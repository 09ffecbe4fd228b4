/** Naming: how spec names become identifiers in generated code. Readable, stable, never numbered. */

const words = (name: string): string[] =>
  name
    .replace(/[{}]/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);

/** `get_chats` → `GetChats`, `pin message` → `PinMessage`, `sendMessage` → `SendMessage`. */
export function pascalCase(name: string): string {
  return words(name)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/** `get_chats` → `getChats`, `SendMessage` → `sendMessage`. */
export function camelCase(name: string): string {
  const p = pascalCase(name);
  return p ? p[0]!.toLowerCase() + p.slice(1) : p;
}

/** The TypeScript type of a message's payload: `sendMessage` → `SendMessagePayload`. */
export function payloadTypeName(messageKey: string): string {
  return `${pascalCase(messageKey)}Payload`;
}

/** The TypeScript type of an event's acknowledgement: `sendMessage` → `SendMessageAck`. */
export function ackTypeName(messageKey: string): string {
  return `${pascalCase(messageKey)}Ack`;
}

/** A namespace's prefix in type names: `root` → `` for single-namespace protocols, else `Chat`. */
export function namespacePrefix(channelKey: string, single: boolean): string {
  return single ? '' : pascalCase(channelKey);
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const RESERVED = new Set(['default', 'delete', 'new', 'class', 'function', 'enum', 'export', 'import', 'in', 'typeof', 'void', 'with', 'yield', 'return', 'this', 'var', 'let', 'const']);

/** A property key as written in TypeScript: bare when it can be, quoted otherwise. */
export function propertyKey(name: string): string {
  return IDENTIFIER.test(name) ? name : JSON.stringify(name);
}

/** Whether a name can be a method or variable name as is. */
export function isSafeIdentifier(name: string): boolean {
  return IDENTIFIER.test(name) && !RESERVED.has(name);
}

/** Names that generated client and context objects use themselves. */
const RESERVED_METHODS = new Set(['on', 'off', 'once', 'close', 'ready', 'socket', 'emit', 'onConnect', 'onDisconnect', 'constructor']);

/** A client event's handler and client method name; throws when the name cannot be a method. */
export function methodName(wire: string): string {
  const method = camelCase(wire);
  if (!isSafeIdentifier(method) || RESERVED_METHODS.has(method)) {
    throw new Error(`event '${wire}' would make a method named '${method}', which generated code cannot use`);
  }
  return method;
}
