/**
 * Request parameters in wire order: Rails bracket keys (`user[login]`,
 * `filter[]`) with raw values. A list, not a record, because `filter[]`
 * repeats.
 */
export type Params = ReadonlyArray<readonly [key: string, value: string]>;

/**
 * `application/x-www-form-urlencoded` text for a body or a query string.
 * Every value is percent-encoded (`&`, `=`, `,`, `+` and spaces included, a
 * space as `%20`), so no value can change the shape of the request; brackets
 * in keys stay literal, as the official SDK sends them.
 */
export function encodeParams(params: Params): string {
  let out = '';
  for (const [key, value] of params) {
    if (out) out += '&';
    out += `${encodeKey(key)}=${encodeURIComponent(value)}`;
  }
  return out;
}

function encodeKey(key: string): string {
  return encodeURIComponent(key).replace(/%5B/g, '[').replace(/%5D/g, ']');
}

/** A path with its query string, or the bare path when there are no parameters. */
export function withQuery(path: string, params: Params | undefined): string {
  return params && params.length > 0 ? `${path}?${encodeParams(params)}` : path;
}
