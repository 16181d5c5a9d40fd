import { randomInt } from 'node:crypto';

const counterBits = 20;
const counterLimit = 1 << counterBits;
// The upstream accepts timestamps within an hour of its clock; a second more
// than two hours older than the newest one asked for can never be sent again.
const memorySeconds = 2 * 3600 + 60;

/**
 * Nonces for signed session requests. QuickBlox refuses a (timestamp, nonce)
 * pair it has seen, so within one timestamp second a process must never
 * repeat one, and replicas must not collide: a nonce is a random per-process
 * tag (11 bits) above a per-second counter (20 bits), a positive 31-bit
 * integer. The counter of every second of the last two hours is remembered,
 * so a timestamp that goes back (a clock offset corrected downwards, a clock
 * stepped back) continues that second's counter instead of repeating it.
 * Past 2^20 session requests in one second, `next` moves on to the following
 * second rather than repeat. Replicas share a tag with probability about
 * n²/4096; with REDIS_URL each takes the next tag of a counter in Redis
 * (store/shared-store.ts `nonceTag`), so they differ.
 */
export function createNonceSource(tag: number = randomInt(0, 1 << 11)) {
  if (!Number.isInteger(tag) || tag < 0 || tag >= 1 << 11) throw new RangeError(`nonce tag must be in [0, 2048), got ${tag}`);
  const used = new Map<number, number>();
  let newest = 0;

  function forget(): void {
    for (const second of used.keys()) if (second < newest - memorySeconds) used.delete(second);
  }

  return function next(timestampSeconds: number): { timestamp: number; nonce: number } {
    let second = timestampSeconds;
    let counter = used.get(second) ?? 0;
    while (counter >= counterLimit) counter = used.get(++second) ?? 0;
    used.set(second, counter + 1);
    if (second > newest) {
      newest = second;
      if (used.size > memorySeconds) forget();
    }
    return { timestamp: second, nonce: tag * counterLimit + counter };
  };
}
