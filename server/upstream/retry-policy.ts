import type { Backoff } from './backoff';
import type { UpstreamRequest } from './interceptor';
import type { UpstreamFailureKind } from './upstream-error';
import type { RetryKind } from './upstream-observer';

/** When and how a failed upstream request is sent again: data, read by `stages/retry.ts`. */
export interface RetryRule {
  /** What metrics call it (`qb_upstream_retries_total{kind}`). */
  kind: RetryKind;
  /** Which requests it may repeat. */
  appliesTo: (request: UpstreamRequest) => boolean;
  /** Which failures it repeats. */
  on: readonly UpstreamFailureKind[];
  /** Tries in all, the first included. */
  maxAttempts: number;
  /** The wait between tries; none: at once. */
  backoff?: Backoff;
}

/** A short jittered pause: long enough for a restarted upstream worker, short against any deadline. */
export const readRetryBackoff: Backoff = { initialMs: 20, multiplier: 1, maxMs: 20, jitterMs: 80 };

/** A read that found no server or a 502/503/504 is sent once more; a write never (it may have happened). */
export const readRetry: RetryRule = {
  kind: 'read_retry',
  appliesTo: (request) => request.call.method === 'GET',
  on: ['unreachable', 'bad_gateway'],
  maxAttempts: 2,
  backoff: readRetryBackoff,
};

/**
 * A session request refused for its timestamp or nonce is signed again once:
 * the clock offset was just learnt from that answer's Date header, and a new
 * signature carries a new timestamp and nonce.
 */
export const resign: RetryRule = {
  kind: 'resign',
  appliesTo: (request) => request.credential.kind === 'signature',
  on: ['bad_timestamp', 'nonce_rejected'],
  maxAttempts: 2,
};

/**
 * A call on the application session that the upstream says does not exist is
 * replayed once with a new one (the application-session stage drops the dead
 * token as the failure passes it).
 */
export const sessionReplay: RetryRule = {
  kind: 'session_replay',
  appliesTo: (request) => request.credential.kind === 'application',
  on: ['session_missing'],
  maxAttempts: 2,
};

/** How the application-session keeper paces its tries while the upstream is unreachable or refuses. */
export const keeperBackoff: Backoff = { initialMs: 1000, multiplier: 2, maxMs: 30_000, jitterMs: 0 };
