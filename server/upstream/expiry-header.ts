/**
 * Parses a `QB-Token-ExpirationDate` (or ConnectyCube's `CB-Token-ExpirationDate`) value, `2017-11-29 07:11:18 UTC` or
 * `2018-07-11 17:33:09 +0000` (docs/quickblox-rest.md §1.6), or an ISO timestamp, to ms
 * since the epoch on the upstream's clock; undefined when absent or garbled.
 */
export function parseExpiry(value: string | string[] | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  // Every response on one session states the same expiry until it slides: the last value parsed is the likely next one.
  if (value === last.value) return last.ms;
  const ms = parse(value);
  last = { value, ms };
  return ms;
}

let last: { value: string; ms: number | undefined } = { value: '', ms: undefined };

function parse(value: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?\s*(?:UTC|Z|\+0000|\+00:00)$/.exec(value.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  return Number.isNaN(ms) ? undefined : ms;
}
