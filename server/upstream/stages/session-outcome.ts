import type { Readiness } from '../../readiness';
import type { UpstreamInterceptor } from '../interceptor';
import { UpstreamError } from '../upstream-error';
import type { UpstreamObserver } from '../upstream-observer';

/**
 * Counts each session creation once, whatever retries it took, and tells
 * readiness what the upstream made of the gateway's application credentials:
 * accepted by any signed success, rejected by "Unexpected signature" or "No
 * Application Found".
 */
export function sessionOutcome(observer: UpstreamObserver, readiness: Readiness | undefined): UpstreamInterceptor {
  return (next) => async (request) => {
    if (request.credential.kind !== 'signature') return next(request);
    const kind = request.call.form?.length ? 'user' : 'application';
    try {
      const response = await next(request);
      readiness?.upstreamAccepted();
      observer.sessionCreated(kind, true);
      return response;
    } catch (e) {
      if (e instanceof UpstreamError && e.kind === 'app_credentials_rejected') {
        readiness?.misconfigured(`the upstream rejected the gateway's application credentials: ${e.messages.join('; ')}`);
      }
      observer.sessionCreated(kind, false);
      throw e;
    }
  };
}
