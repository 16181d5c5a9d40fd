/**
 * The parameters of a request, flattened to Rails bracket keys
 * (`user[login]`, `filter[]`), each with its values in arrival order. The
 * query string and a form or JSON body all land here; JSON nested objects
 * and flat bracket keys inside JSON both flatten to the same keys, and JSON
 * numbers and booleans become their decimal text, so that signing and
 * validation see one form whatever the encoding (docs/quickblox-rest.md §1.2, §9.8).
 */
export class Params {
  private readonly map = new Map<string, string[]>();

  add(key: string, value: string): void {
    const list = this.map.get(key);
    if (list) list.push(value);
    else this.map.set(key, [value]);
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  /** The first value of `key`. */
  get(key: string): string | undefined {
    return this.map.get(key)?.[0];
  }

  getAll(key: string): string[] {
    return this.map.get(key) ?? [];
  }

  /** Every (key, value) pair. */
  *entries(): IterableIterator<[string, string]> {
    for (const [k, values] of this.map) for (const v of values) yield [k, v];
  }

  /** The values under `prefix[...]`, keyed by the bracketed name: `user[login]` gives `login`. */
  group(prefix: string): Map<string, string> {
    const out = new Map<string, string>();
    const head = `${prefix}[`;
    for (const [k, values] of this.map) {
      if (k.startsWith(head) && k.endsWith(']') && values[0] !== undefined) out.set(k.slice(head.length, -1), values[0]);
    }
    return out;
  }

  static fromSearch(search: string, into = new Params()): Params {
    for (const [k, v] of new URLSearchParams(search)) into.add(k, v);
    return into;
  }

  static fromJson(value: unknown, into = new Params()): Params {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new TypeError('the JSON body must be an object');
    }
    flatten(value as Record<string, unknown>, '', into);
    return into;
  }
}

function flatten(obj: Record<string, unknown>, prefix: string, into: Params): void {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}[${k}]` : k;
    if (v === undefined) continue;
    // null clears a field, as an empty form value does.
    if (v === null) into.add(key, '');
    else if (Array.isArray(v)) {
      for (const item of v) if (item !== null && typeof item !== 'object') into.add(`${key}[]`, String(item));
    } else if (typeof v === 'object') {
      flatten(v as Record<string, unknown>, key, into);
    } else {
      into.add(key, String(v));
    }
  }
}
