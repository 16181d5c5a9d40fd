import { backoffDelay, sleep } from '../backoff';
import type { UpstreamInterceptor, UpstreamResponse } from '../interceptor';
import type { RetryRule } from '../retry-policy';
import { UpstreamError } from '../upstream-error';
import type { UpstreamObserver } from '../upstream-observer';

/** Sends a request again as `rule` says, counting each repeat. */
export function retry(rule: RetryRule, observer: UpstreamObserver): UpstreamInterceptor {
  return (next) => (request) => {
    if (!rule.appliesTo(request)) return next(request);
    const attempt = async (n: number): Promise<UpstreamResponse> => {
      try {
        return await next(request);
      } catch (e) {
        if (n + 1 >= rule.maxAttempts || !(e instanceof UpstreamError) || !rule.on.includes(e.kind)) throw e;
        observer.retry(rule.kind);
        if (rule.backoff) await sleep(backoffDelay(rule.backoff, n), request.scope.signal);
        return attempt(n + 1);
      }
    };
    return attempt(0);
  };
}
