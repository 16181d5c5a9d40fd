import { sleep } from './backoff';

export interface RateLimiterOptions {
  /** Requests in any one-second window at most. */
  perSecond: number;
  /** A request that would wait longer than this is refused at once. */
  maxWaitMs: number;
  now?: () => number;
  /** Start as if the window had filled at this time (a replica taking over from the shared budget: what the others just spent is unknown). */
  fullAt?: number;
  /** How a wait is spent (tests: not at all). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * What `acquire` decided: go now, go after a wait, or refused with the wait it
 * would have needed. A request that went calls `answered` once the upstream
 * has answered it (or it failed), so that its slot counts from then on.
 */
export type RateDecision = { waitedMs: number; answered?: () => void } | { refusedForMs: number };

/**
 * The upstream account's request budget (QuickBlox plans allow 80, 120 or
 * 160 requests per second): at most `perSecond` requests start in any window
 * of one second, so that a burst waits briefly here rather than fail with 429
 * upstream. Waiting is first come, first served: each request reserves the
 * next free slot.
 */
export type RateLimiter = (signal?: AbortSignal) => Promise<RateDecision>;

/** A limiter that also tells, without reserving, how long a request arriving now would wait. */
export type LocalRateLimiter = RateLimiter & { waitMs(): number };

/**
 * The window, a little over a second (5 %): requests that leave here a second
 * apart may arrive closer together after uneven network delays, and the
 * upstream counts arrivals (docs/quickblox-rest.md §7).
 */
export const rateWindowMs = 1050;

/**
 * A sliding window over reserved start times. A token bucket that starts
 * full lets about 2N through in the first second (N at once, then N more as
 * it refills); here slot k+N starts no sooner than a window after slot k.
 * Once slot k's request is answered, the window counts from its answer: the
 * upstream counted it on arrival, which was no later than that, while its
 * start may have been much earlier (a burst let go at once reaches the
 * upstream one after the other; the last of 20 arrived 138 ms after the first
 * in test/gateway/operability.test.ts, and slot 26 then met a 429).
 */
export function createRateLimiter(options: RateLimiterOptions): LocalRateLimiter {
  const now = options.now ?? Date.now;
  const wait = options.sleep ?? sleep;
  const size = Math.max(1, Math.floor(options.perSecond));
  // The last `size` reserved start times, oldest at `head`.
  const slots = new Array<number>(size).fill(options.fullAt ?? Number.NEGATIVE_INFINITY);
  // Which reservation each slot holds, so that a late answer never moves a slot reserved again since.
  const holders = new Array<number>(size).fill(-1);
  let reserved = 0;
  let head = 0;
  let last = options.fullAt ?? Number.NEGATIVE_INFINITY;
  const nextStart = (t: number) => Math.max(t, last, (slots[head] ?? Number.NEGATIVE_INFINITY) + rateWindowMs);
  async function acquire(signal?: AbortSignal): Promise<RateDecision> {
    const t = now();
    const start = nextStart(t);
    const waitMs = start - t;
    if (waitMs > options.maxWaitMs) return { refusedForMs: waitMs };
    const slot = head;
    const holder = reserved++;
    slots[slot] = start;
    holders[slot] = holder;
    head = (head + 1) % size;
    last = start;
    const answered = () => {
      if (holders[slot] === holder) slots[slot] = Math.max(slots[slot] ?? start, now());
    };
    if (waitMs <= 0) return { waitedMs: 0, answered };
    await wait(waitMs, signal);
    return { waitedMs: waitMs, answered };
  }
  return Object.assign(acquire, {
    waitMs() {
      const t = now();
      return nextStart(t) - t;
    },
  });
}
