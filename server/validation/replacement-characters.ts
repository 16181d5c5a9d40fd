import type { Violations } from './field-rules';

const replacementCharacter = '\uFFFD';

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const join = (path: string, name: string) => (path ? `${path}.${name}` : name);

function isOneof(value: unknown): value is { $case: string; value: unknown } {
  return typeof value === 'object' && value !== null && typeof (value as { $case?: unknown }).$case === 'string';
}

/**
 * The string fields of a decoded request that carried bytes which are not
 * UTF-8. The protobuf decoder replaces such bytes with U+FFFD rather than
 * refuse them, so a replacement character in a request is where invalid UTF-8
 * was; forwarded, it would reach the upstream as `%EF%BF%BD`. Fields are
 * named by their contract path as the other checks name them: a oneof by the
 * alternative set (`user.login_password.login`), list items by index.
 */
export function replacementCharacterFields(request: unknown): Violations {
  const violations: Violations = [];
  const visit = (value: unknown, at: string): void => {
    if (typeof value === 'string') {
      if (value.includes(replacementCharacter)) violations.push({ field: at, description: 'must be valid UTF-8 (the request carried bytes that are not)' });
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => {
        visit(item, `${at}[${i}]`);
      });
    } else if (typeof value === 'object' && value !== null && !(value instanceof Date) && !(value instanceof Uint8Array)) {
      for (const [key, item] of Object.entries(value)) {
        if (isOneof(item)) visit(item.value, join(at, snake(item.$case)));
        else visit(item, join(at, snake(key)));
      }
    }
  };
  visit(request, '');
  return violations;
}
