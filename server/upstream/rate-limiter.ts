import { sleep } from './backoff';

export interface RateLimiterOptions {
  /** Requests per second; the bucket also holds this many for a burst. */
  perSecond: number;
  /** A request that would wait longer than this is refused at once. */
  maxWaitMs: number;
  now?: () => number;
}

/** What `acquire` decided: go now, go after a wait, or refused with the wait it would have needed. */
export type RateDecision = { waitedMs: number } | { refusedForMs: number };

/**
 * The upstream account's request budget (QuickBlox plans allow 80, 120 or
 * 160 requests per second) as a token bucket, so that a burst waits briefly
 * here rather than fail with 429 upstream. Waiting is first come, first
 * served: each request reserves the next free slot.
 */
export type RateLimiter = (signal?: AbortSignal) => Promise<RateDecision>;

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const now = options.now ?? Date.now;
  const intervalMs = 1000 / options.perSecond;
  const burstMs = 1000;
  // The time at which the bucket would be full again; slots are handed out from it.
  let nextFree = 0;
  return async function acquire(signal?: AbortSignal): Promise<RateDecision> {
    const t = now();
    const start = Math.max(nextFree, t - burstMs);
    const waitMs = start + intervalMs - t;
    if (waitMs <= 0) {
      nextFree = start + intervalMs;
      return { waitedMs: 0 };
    }
    if (waitMs > options.maxWaitMs) return { refusedForMs: waitMs };
    nextFree = start + intervalMs;
    await sleep(waitMs, signal);
    return { waitedMs: waitMs };
  };
}
