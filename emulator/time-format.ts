const pad = (n: number) => String(n).padStart(2, '0');

/** `2019-08-27T20:19:08Z`: the JSON date form, to the second. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * `2017-11-29 07:11:18 UTC`: the `QB-Token-ExpirationDate` form. Never the ISO
 * form, which the official JS SDK parses as Invalid Date (docs/quickblox-rest.md §1.6).
 */
export function expirationHeader(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`
  );
}
