import { delay } from 'abort-controller-x';

/** How long to wait before the n-th repeat of something: data, so each policy reads as its numbers. */
export interface Backoff {
  /** The wait before the first repeat. */
  initialMs: number;
  /** Each later wait is this many times the one before. */
  multiplier: number;
  /** No wait is longer than this (before jitter). */
  maxMs: number;
  /** A random extra of up to this many ms, so that many waiters do not wake together. */
  jitterMs: number;
}

/** The wait before repeat number `repeat` (0 for the first). */
export function backoffDelay(backoff: Backoff, repeat: number, random: () => number = Math.random): number {
  const base = Math.min(backoff.initialMs * backoff.multiplier ** repeat, backoff.maxMs);
  return base + random() * backoff.jitterMs;
}

/** Waits `ms`, or rejects with an AbortError as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return signal ? delay(signal, ms) : new Promise((resolve) => setTimeout(resolve, ms));
}
