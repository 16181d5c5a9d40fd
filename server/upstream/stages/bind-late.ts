import type { UpstreamInterceptor } from '../interceptor';

/** A call built late (`UpstreamCall.late`) is built here, once the rate limit has let it go. */
export const bindLate: UpstreamInterceptor = (next) => (request) => {
  const { late } = request.call;
  return late ? next({ ...request, call: late() }) : next(request);
};
