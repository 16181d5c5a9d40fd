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
  /** Whether the retry budget (`retryBudget`) may refuse it, so that retries never multiply an outage. */
  budgeted?: boolean;
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
  budgeted: true,
};

/**
 * The retry budget, gRPC's retry throttling (proposal A6): each failed try
 * takes a token and each success gives back `tokenRatio`; budgeted retries go
 * only while more than half of `maxTokens` remain, so they stay under about a
 * tenth of the traffic however long an outage lasts.
 */
export const retryBudget = { maxTokens: 10, tokenRatio: 0.1 } as const;

/** What opens the circuit breaker: failures where the upstream gave no usable answer, never a 4xx. */
export const breakerTrips: readonly UpstreamFailureKind[] = ['unreachable', 'timeout', 'bad_gateway', 'server_error'];

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
