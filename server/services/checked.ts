import { invalidArgument } from '../errors/gateway-errors';
import type { Violations } from '../validation/field-rules';

/** Runs a request's checks: INVALID_ARGUMENT naming every bad field if any failed, else what they returned. */
export function checked<T>(check: (v: Violations) => T): T {
  const v: Violations = [];
  const result = check(v);
  if (v.length) throw invalidArgument(v);
  return result;
}
