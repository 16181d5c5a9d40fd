import { randomInt } from 'node:crypto';

const counterBits = 20;
const counterLimit = 1 << counterBits;

/**
 * Nonces for signed session requests. QuickBlox refuses a (timestamp, nonce)
 * pair it has seen, so within one timestamp second a process must never
 * repeat one, and replicas must not collide: a nonce is a random per-process
 * tag (11 bits) above a per-second counter (20 bits), a positive 31-bit
 * integer. A process runs out only past 2^20 session requests in one second;
 * then `next` moves on to the following second's timestamp rather than
 * repeat. Replicas share a tag with probability about n²/4096; the Redis
 * store, when configured, hands out tags that cannot collide.
 */
export function createNonceSource(tag: number = randomInt(0, 1 << 11)) {
  if (!Number.isInteger(tag) || tag < 0 || tag >= 1 << 11) throw new RangeError(`nonce tag must be in [0, 2048), got ${tag}`);
  let second = -1;
  let counter = 0;
  return function next(timestampSeconds: number): { timestamp: number; nonce: number } {
    if (timestampSeconds > second) {
      second = timestampSeconds;
      counter = 0;
    } else if (counter >= counterLimit) {
      second += 1;
      counter = 0;
    }
    // A clock that steps back keeps using the latest second: pairs stay unique.
    return { timestamp: second, nonce: tag * counterLimit + counter++ };
  };
}
