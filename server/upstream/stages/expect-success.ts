import { expiryHeader, parseExpiry } from '../expiry-header';
import type { UpstreamInterceptor, UpstreamResponse } from '../interceptor';
import type { UpstreamClock } from '../upstream-clock';
import { UpstreamError } from '../upstream-error';

const successStatuses = new Set([200, 201, 202]);

/**
 * Where an HTTP answer becomes a result: a success, with the session's expiry
 * converted to the gateway's clock, or an UpstreamError that knows its kind.
 */
export function expectSuccess(clock: UpstreamClock): UpstreamInterceptor {
  return (next) => async (request) => {
    const response = await next(request);
    if (!successStatuses.has(response.status)) {
      throw new UpstreamError('status', request.call.route, response.status, response.body, { retryAfterSeconds: retryAfter(response) });
    }
    const expiry = parseExpiry(response.headers[expiryHeader]);
    return expiry === undefined ? response : { ...response, expiresAt: expiry - clock.offsetMs() };
  };
}

function retryAfter(response: UpstreamResponse): number | undefined {
  const value = response.headers['retry-after'];
  if (typeof value !== 'string') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}
