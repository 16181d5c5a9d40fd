import type { Readiness } from '../readiness';
import type { AppSessionCache } from './app-session';
import type { Params } from './form-encoding';
import { compose, type Send, type UpstreamInterceptor } from './interceptor';
import type { RateLimiter } from './rate-limiter';
import { readRetry, resign, retryBudget, sessionReplay } from './retry-policy';
import { createRetryThrottle } from './retry-throttle';
import { applicationSession } from './stages/application-session';
import { type Authorities, authenticate } from './stages/authenticate';
import { bindLate } from './stages/bind-late';
import { type BreakerSettings, circuitBreaker } from './stages/circuit-breaker';
import { countRequests } from './stages/count-requests';
import { type ExpiryRule, expectSuccess } from './stages/expect-success';
import { learnClock } from './stages/learn-clock';
import { observeExchange } from './stages/observe-exchange';
import { rateLimit } from './stages/rate-limit';
import { retry } from './stages/retry';
import { sessionOutcome } from './stages/session-outcome';
import { signSession } from './stages/sign-session';
import { traceExchange } from './stages/trace-exchange';
import type { UpstreamClock } from './upstream-clock';
import type { Wording } from './upstream-error';
import type { UpstreamObserver } from './upstream-observer';

export interface PipelineParts {
  transport: Send;
  origin: URL;
  authorities: Authorities;
  expiry: ExpiryRule;
  wording: readonly Wording[];
  applicationSession: AppSessionCache;
  signSession: (subject: Params) => Params;
  clock: UpstreamClock;
  acquire?: RateLimiter;
  /** Unset: no circuit breaker. */
  breaker?: BreakerSettings;
  observer: UpstreamObserver;
  readiness?: Readiness;
  /** Whether the OpenTelemetry SDK runs: without it the span stage stays out of the path. */
  traced: boolean;
}

/**
 * The one place the upstream pipeline is composed, outermost stage first. A
 * request passes down through each stage to the transport and its answer (or
 * failure) back up. A new concern — a circuit breaker, coalescing, a shared
 * budget — is one file under stages/ and one line here.
 */
export function createPipeline(parts: PipelineParts): Send {
  const { observer, clock } = parts;
  const throttle = createRetryThrottle(retryBudget);
  const stages: (UpstreamInterceptor | false | undefined)[] = [
    retry(sessionReplay, observer), //         a lost application session: a new one, the call once more
    applicationSession(parts.applicationSession, parts.authorities.tokenHeader), // the gateway's own token on application-session calls
    authenticate(parts.authorities), //        the caller's token, the API key as the account owner, or the sign-up key
    sessionOutcome(observer, parts.readiness), // session creations counted; readiness from the verdict on the credentials
    retry(resign, observer), //                Bad timestamp or nonce: signed again with the learnt clock
    signSession(parts.signSession), //         application id and key; timestamp, nonce and signature where signed
    retry(readRetry, observer, throttle), //   a read that found no server or a 502/503/504: once more, within the retry budget
    parts.breaker && circuitBreaker(parts.breaker, observer), // a run of failures: fail at once for a while, then probe
    parts.acquire && rateLimit(parts.acquire, observer), // the account's requests per second
    bindLate, //                               a coalesced lookup closes its batch as it goes
    countRequests, //                          upstream requests per call, for the call log
    expectSuccess(clock, parts.expiry, parts.wording), // non-2xx → UpstreamError with its kind; expiry on our clock
    learnClock(clock, observer), //            the upstream clock offset from Date
    observeExchange(observer), //              metrics per exchange
    parts.traced && traceExchange(parts.origin), // a CLIENT span and traceparent per exchange
  ];
  return compose(
    stages.filter((s): s is UpstreamInterceptor => Boolean(s)),
    parts.transport,
  );
}
