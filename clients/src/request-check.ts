import type { FieldViolation } from './gateway-error';

const int64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * The numbers of a request that cannot be encoded, named by their field
 * paths as the gateway names them (`user.external_user_id`): a number that is
 * not a whole number (the contract has no floating-point field, and its
 * int64 fields take a bigint), or a bigint beyond int64. A oneof,
 * `{ $case, value }`, is named by its case.
 */
export function unencodableNumbers(value: unknown, path = ''): FieldViolation[] {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) ? [] : [{ field: path, description: `must be a whole number, got ${value} (int64 fields take a bigint: 42n)` }];
  }
  if (typeof value === 'bigint') return value < int64.min || value > int64.max ? [{ field: path, description: 'is beyond the int64 range' }] : [];
  if (Array.isArray(value)) return value.flatMap((item, i) => unencodableNumbers(item, `${path}[${i}]`));
  if (value === null || typeof value !== 'object' || value instanceof Date || value instanceof Uint8Array) return [];
  const record = value as Record<string, unknown>;
  if (typeof record.$case === 'string') return unencodableNumbers(record.value, join(path, snake(record.$case)));
  return Object.entries(record).flatMap(([key, item]) => unencodableNumbers(item, join(path, snake(key))));
}

const join = (path: string, name: string) => (path ? `${path}.${name}` : name);
