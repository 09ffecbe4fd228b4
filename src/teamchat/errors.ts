/**
 * The core refuses with `ChatError`s named in its own vocabulary of inputs (`text`, `memberIds`);
 * the client must hear about the field it sent (`message`, `recipients`). This module turns one
 * into the other, so every refusal reaches the client as teamchat's `error` event.
 */
import { ProtocolError } from '../../generated/teamchat/server.js';
import { isChatError } from '../core/index.js';

/** Core input names → payload paths (`{ text: 'message' }`); the first segment of a core field is looked up. */
export type FieldMap = Readonly<Record<string, string>>;

/**
 * The error to throw for `error`: a `ChatError` becomes a `ProtocolError` of the same kind,
 * its field renamed through `fields`; anything else is returned unchanged (the stub reports it
 * as a 500 and logs it).
 *
 * @example
 * toProtocolError(new ChatError('invalidPayload', 'text must not be empty', { field: 'text' }), { text: 'message' })
 * // ProtocolError('invalidPayload', 'text must not be empty', 'message')
 */
export function toProtocolError(error: unknown, fields: FieldMap = {}): unknown {
  if (!isChatError(error)) return error;
  let field: string | undefined;
  if (error.field !== undefined) {
    const [head, ...rest] = error.field.split('.');
    const mapped = fields[head ?? ''];
    field = mapped === undefined ? undefined : [mapped, ...rest].join('.');
  }
  return new ProtocolError(error.kind, error.message, field, { cause: error });
}

/**
 * Runs core work for a client event; a refusal of the core reaches the client as `error`.
 *
 * @example
 * const group = await onWire({ name: 'room_name' }, () => core.createGroup(input));
 */
export async function onWire<T>(fields: FieldMap, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toProtocolError(error, fields);
  }
}

/**
 * Runs core work on a message named by the request: the core's `notFound` names no field, and
 * here it can only be the message (the room was checked before), so it gets `field`.
 */
export async function onMessage<T>(field: string, work: () => Promise<T>, fields: FieldMap = {}): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isChatError(error, 'notFound') && error.field === undefined)
      throw new ProtocolError('notFound', error.message, field, { cause: error });
    throw toProtocolError(error, fields);
  }
}
