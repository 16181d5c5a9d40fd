import { backoffDelay, sleep } from '../backoff';
import type { UpstreamInterceptor, UpstreamResponse } from '../interceptor';
import type { RetryRule } from '../retry-policy';
import type { RetryThrottle } from '../retry-throttle';
import { UpstreamError } from '../upstream-error';
import type { UpstreamObserver } from '../upstream-observer';

/** Sends a request again as `rule` says, counting each repeat; a budgeted rule asks `throttle` first. */
export function retry(rule: RetryRule, observer: UpstreamObserver, throttle?: RetryThrottle): UpstreamInterceptor {
  const budget = rule.budgeted ? throttle : undefined;
  return (next) => (request) => {
    if (!rule.appliesTo(request)) return next(request);
    const attempt = async (n: number): Promise<UpstreamResponse> => {
      try {
        const response = await next(request);
        budget?.succeeded();
        return response;
      } catch (e) {
        const repeatable = e instanceof UpstreamError && rule.on.includes(e.kind);
        if (repeatable) budget?.failed();
        if (n + 1 >= rule.maxAttempts || !repeatable) throw e;
        if (budget && !budget.allows()) {
          observer.retryRefused(rule.kind);
          throw e;
        }
        observer.retry(rule.kind);
        if (rule.backoff) await sleep(backoffDelay(rule.backoff, n), request.scope.signal);
        return attempt(n + 1);
      }
    };
    return attempt(0);
  };
}
