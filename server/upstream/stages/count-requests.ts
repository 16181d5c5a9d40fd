import type { UpstreamInterceptor } from '../interceptor';

/** Counts every request sent for the call (the call log's `upstreamRequests`). */
export const countRequests: UpstreamInterceptor = (next) => (request) => {
  request.scope.upstreamRequests++;
  return next(request);
};
