import type { UpstreamInterceptor } from '../interceptor';
import type { RateLimiter } from '../rate-limiter';
import { UpstreamError } from '../upstream-error';
import type { UpstreamObserver } from '../upstream-observer';

/** Every try waits for the account's budget (QB_RATE_LIMIT), or fails at once as `throttled` when the wait would be too long. */
export function rateLimit(acquire: RateLimiter, observer: UpstreamObserver): UpstreamInterceptor {
  return (next) => async (request) => {
    const decision = await acquire(request.scope.signal);
    if ('refusedForMs' in decision) {
      observer.rateLimitRejection('gateway');
      throw new UpstreamError('throttled', request.call.route, undefined, undefined, { retryAfterSeconds: Math.ceil(decision.refusedForMs / 1000) });
    }
    if (decision.waitedMs > 0) observer.rateLimitWait(decision.waitedMs / 1000);
    try {
      return await next(request);
    } finally {
      decision.answered?.();
    }
  };
}
