import type { Params } from './form-encoding';

type Json = string | number | null | Json[] | { [key: string]: Json };

/**
 * A JSON body from bracket-keyed parameters: `user[login]` nests as
 * `{"user":{"login":…}}`, `tags[]` repeats into an array. Keys in `numbers`
 * carry numbers (an empty value: null, which clears the field), every other
 * value stays the text it was. Prototype keys are plain data here.
 */
export function paramsToJson(params: Params, numbers: ReadonlySet<string>): string {
  const root: Record<string, Json> = Object.create(null);
  for (const [key, value] of params) {
    const path = keyPath(key);
    const appends = path[path.length - 1] === '';
    if (appends) path.pop();
    const leaf: Json = numbers.has(key) ? (value === '' ? null : Number(value)) : value;
    let node = root;
    for (const part of path.slice(0, -1)) {
      const next = Object.hasOwn(node, part) ? node[part] : undefined;
      if (next !== null && typeof next === 'object' && !Array.isArray(next)) node = next;
      else {
        const child: Record<string, Json> = Object.create(null);
        node[part] = child;
        node = child;
      }
    }
    const last = path[path.length - 1] ?? '';
    if (!appends) node[last] = leaf;
    else {
      const list = Object.hasOwn(node, last) ? node[last] : undefined;
      if (Array.isArray(list)) list.push(leaf);
      else node[last] = [leaf];
    }
  }
  return JSON.stringify(root);
}

/** `a[b][]` → `['a', 'b', '']`. */
function keyPath(key: string): string[] {
  const open = key.indexOf('[');
  if (open < 0) return [key];
  const parts = [key.slice(0, open)];
  for (const m of key.slice(open).matchAll(/\[([^\]]*)\]/g)) parts.push(m[1] ?? '');
  return parts;
}
