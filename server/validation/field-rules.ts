import type { FieldViolation } from '../errors/gateway-errors';

/**
 * Checks of single request fields. Each appends to a list of violations
 * rather than throwing, so one INVALID_ARGUMENT can name every bad field.
 */
export type Violations = FieldViolation[];

// C0 and C1 controls: never meaningful in a login, name, id or search term.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this pattern's purpose.
const controlCharacters = /[\u0000-\u001f\u007f-\u009f]/;
const emailShape = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const passwordCharacters = /^[\p{L}\p{N}\p{P}\p{S}]+$/u;
export const maxSafeId = BigInt(Number.MAX_SAFE_INTEGER);

function length(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/** A one-line text of `min`..`max` characters without control characters. */
export function text(v: Violations, field: string, value: string, min: number, max: number): void {
  const n = length(value);
  if (n < min) v.push({ field, description: min === 1 ? 'is required' : `must be at least ${min} characters` });
  else if (n > max) v.push({ field, description: `must be at most ${max} characters` });
  else if (controlCharacters.test(value)) v.push({ field, description: 'must not contain control characters' });
}

/** Like `text`, when the field is set at all. */
export function optionalText(v: Violations, field: string, value: string | undefined, max: number): void {
  if (value !== undefined) text(v, field, value, 0, max);
}

export function login(v: Violations, field: string, value: string): void {
  text(v, field, value, 1, 70);
  if (length(value) > 0 && value.trim() !== value) v.push({ field, description: 'must not start or end with whitespace' });
}

export function email(v: Violations, field: string, value: string): void {
  if (value.length === 0) v.push({ field, description: 'is required' });
  else if (value.length > 255) v.push({ field, description: 'must be at most 255 characters' });
  else if (!emailShape.test(value)) v.push({ field, description: 'must be a well-formed email address' });
}

/** A password as the upstream accepts it on sign-up and change: 8..128 letters, digits, punctuation, symbols. */
export function newPassword(v: Violations, field: string, value: string): void {
  const n = length(value);
  if (n < 8 || n > 128) v.push({ field, description: 'must be 8 to 128 characters' });
  else if (!passwordCharacters.test(value)) v.push({ field, description: 'must contain only letters, digits and punctuation' });
}

/** A password presented to log in: 8..128 characters, any of them (the contract's bound, not the sign-up rules). */
export function presentedPassword(v: Violations, field: string, value: string): void {
  const n = length(value);
  if (n < 8 || n > 128) v.push({ field, description: 'must be 8 to 128 characters' });
}

/** A positive int64 the upstream's JSON can carry exactly. */
export function positiveId(v: Violations, field: string, value: bigint): void {
  if (value <= 0n) v.push({ field, description: 'must be positive' });
  else if (value > maxSafeId) v.push({ field, description: `must be at most ${maxSafeId}` });
}

export function oneOf(v: Violations, field: string, set: boolean): void {
  if (!set) v.push({ field, description: 'is required: set one of its alternatives' });
}
