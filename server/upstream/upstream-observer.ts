/** Why an upstream request was sent again. */
export type RetryKind =
  /** A read found no server or got 502/503/504. */
  | 'read_retry'
  /** A session request was signed again after "Bad timestamp" or a nonce rejection. */
  | 'resign'
  /** A call was replayed with a new application session after "Required session does not exist". */
  | 'session_replay';

/** The circuit breaker's state, as metrics show it. */
export type CircuitStateName = 'closed' | 'half_open' | 'open';

/**
 * What the upstream client reports as it works: the hooks metrics (and
 * anything else) attach to. Every label value it passes is bounded: methods,
 * route templates, status classes and fixed kinds — never an id or a token.
 */
export interface UpstreamObserver {
  /** One HTTP exchange finished: its status, or `error` when there was no answer. */
  request(method: string, route: string, status: number | 'error', seconds: number): void;
  /** A session creation finished. */
  sessionCreated(kind: 'application' | 'user', ok: boolean): void;
  /** The application session was served from cache, had to be created, or was renewed ahead of expiry. */
  applicationToken(event: 'hit' | 'miss' | 'renewal' | 'shared'): void;
  retry(kind: RetryKind): void;
  /** A retry the retry budget did not allow. */
  retryRefused(kind: RetryKind): void;
  circuitState(state: CircuitStateName): void;
  /** A request waited for the local rate limit, or was refused by it (`gateway`) or by the upstream's (`upstream`). */
  rateLimitWait(seconds: number): void;
  rateLimitRejection(source: 'gateway' | 'upstream'): void;
  clockOffset(ms: number): void;
  /** How many replicas share the budget, as last counted in the shared store. */
  replicasSeen(count: number): void;
}

export const noObserver: UpstreamObserver = {
  request() {},
  sessionCreated() {},
  applicationToken() {},
  retry() {},
  retryRefused() {},
  circuitState() {},
  rateLimitWait() {},
  rateLimitRejection() {},
  clockOffset() {},
  replicasSeen() {},
};
