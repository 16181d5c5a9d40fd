import type { UpstreamInterceptor } from '../interceptor';
import type { UpstreamClock } from '../upstream-clock';
import type { UpstreamObserver } from '../upstream-observer';

/** Every answer's `Date` header corrects the upstream clock offset that signing uses. */
export function learnClock(clock: UpstreamClock, observer: UpstreamObserver): UpstreamInterceptor {
  return (next) => async (request) => {
    const response = await next(request);
    if (clock.observe(response.headers.date as string | undefined)) observer.clockOffset(clock.offsetMs());
    return response;
  };
}
