/**
 * Checks on the core's inputs. They throw `invalidPayload` naming the field, so a mistake in
 * an adapter surfaces as a 400 with a reason, never as a constraint error from the database.
 */
import { invalidPayload } from './errors.js';
import { LIMITS } from './limits.js';

/** A non-empty string of at most `max` characters. */
export function requireText(field: string, value: unknown, max: number): string {
  if (typeof value !== 'string') throw invalidPayload(field, 'must be a string');
  if (value.length === 0) throw invalidPayload(field, 'must not be empty');
  if (value.length > max) throw invalidPayload(field, `must be at most ${max} characters`);
  return value;
}

/** `requireText`, or null when absent (undefined or null). */
export function optionalText(field: string, value: unknown, max: number): string | null {
  return value === undefined || value === null ? null : requireText(field, value, max);
}

/** An id given by a caller (a user's external id, a client id): 1 to 64 characters. */
export function requireId(field: string, value: unknown): string {
  return requireText(field, value, LIMITS.id);
}

/** A whole number ≥ 0. */
export function requireSeq(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw invalidPayload(field, 'must be a whole number ≥ 0');
  return value;
}

/** A plain JSON object whose serialized form is at most `max` characters; returns it serialized. */
export function requireJsonObject(field: string, value: unknown, max: number): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidPayload(field, 'must be an object');
  return serialize(field, value, max);
}

/** A JSON array of at most `maxItems` entries and `max` serialized characters; returns it serialized. */
export function requireJsonArray(field: string, value: unknown, maxItems: number, max: number): string {
  if (!Array.isArray(value)) throw invalidPayload(field, 'must be an array');
  if (value.length > maxItems) throw invalidPayload(field, `must have at most ${maxItems} items`);
  return serialize(field, value, max);
}

function serialize(field: string, value: unknown, max: number): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    throw invalidPayload(field, 'must be serializable as JSON');
  }
  if (json === undefined) throw invalidPayload(field, 'must be serializable as JSON');
  if (json.length > max) throw invalidPayload(field, `must be at most ${max} characters as JSON`);
  return json;
}
