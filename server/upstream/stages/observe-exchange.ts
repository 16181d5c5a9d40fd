import type { UpstreamInterceptor } from '../interceptor';
import type { UpstreamObserver } from '../upstream-observer';

/** Reports each HTTP exchange: method, route template, status (or `error` for no answer) and duration. */
export function observeExchange(observer: UpstreamObserver): UpstreamInterceptor {
  return (next) => async (request) => {
    const { method, route } = request.call;
    const started = performance.now();
    try {
      const response = await next(request);
      observer.request(method, route, response.status, (performance.now() - started) / 1000);
      if (response.status === 429) observer.rateLimitRejection('upstream');
      return response;
    } catch (e) {
      observer.request(method, route, 'error', (performance.now() - started) / 1000);
      throw e;
    }
  };
}
