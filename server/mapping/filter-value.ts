import type { Violations } from '../validation/field-rules';

/** How an upstream compares a filter's values. */
export type ValueType = 'number' | 'string' | 'date';

const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** A filter value checked against its field's type: the text to send, or undefined after a violation. */
export function checkValue(raw: string, type: ValueType, listed: boolean, field: string, v: Violations): string | undefined {
  const fail = (description: string) => void v.push({ field, description });
  if (raw.length === 0) return fail('must not be empty');
  if (raw.length > 255) return fail('must be at most 255 characters');
  if (raw.trim() !== raw) return fail('must not start or end with whitespace');
  if (listed && raw.includes(',')) return fail('must not contain commas (they separate the values of in and between)');
  if (type === 'number') {
    if (!/^-?\d{1,19}$/.test(raw)) return fail('must be a decimal integer');
    return raw;
  }
  if (type === 'date') {
    if (!rfc3339.test(raw) || Number.isNaN(Date.parse(raw))) return fail('must be an RFC 3339 timestamp such as 2019-08-27T20:19:08Z');
    return new Date(Date.parse(raw)).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  return raw;
}
