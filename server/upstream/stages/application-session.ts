import type { AppSessionCache } from '../app-session';
import type { UpstreamInterceptor } from '../interceptor';
import { UpstreamError } from '../upstream-error';

/**
 * Requests on the gateway's own application session carry its token. A
 * success that reports a later expiry extends it; an answer that says the
 * session does not exist drops that token, so the replay outside this stage
 * (retry-policy `sessionReplay`) gets a new one.
 */
export function applicationSession(cache: AppSessionCache, tokenHeader: string): UpstreamInterceptor {
  return (next) => async (request) => {
    if (request.credential.kind !== 'application') return next(request);
    const token = await cache.token(request.scope.signal);
    try {
      const response = await next({ ...request, headers: { ...request.headers, [tokenHeader]: token } });
      if (response.expiresAt !== undefined) cache.extend(token, response.expiresAt);
      return response;
    } catch (e) {
      if (e instanceof UpstreamError && e.kind === 'session_missing') cache.invalidate(token);
      throw e;
    }
  };
}
