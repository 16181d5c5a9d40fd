import { parseExpiry } from '../expiry-header';
import type { UpstreamInterceptor, UpstreamResponse } from '../interceptor';
import type { UpstreamClock } from '../upstream-clock';
import { UpstreamError, type Wording } from '../upstream-error';

const successStatuses = new Set([200, 201, 202]);

export interface ExpiryRule {
  /** The response header with the token's expiry (lower case). */
  header: string;
  /** How long a token lives after a success that states no expiry; undefined: unknown. */
  assumedLifetimeMs?: number;
  /** The local clock. */
  now: () => number;
}

/**
 * Where an HTTP answer becomes a result: a success, with the session's expiry
 * converted to the gateway's clock, or an UpstreamError that knows its kind.
 */
export function expectSuccess(clock: UpstreamClock, expiry: ExpiryRule, wording: readonly Wording[]): UpstreamInterceptor {
  return (next) => async (request) => {
    const response = await next(request);
    if (!successStatuses.has(response.status)) {
      throw new UpstreamError('status', request.call.route, response.status, response.body, { retryAfterSeconds: retryAfter(response), wording });
    }
    const stated = parseExpiry(response.headers[expiry.header]);
    if (stated !== undefined) return { ...response, expiresAt: stated - clock.offsetMs() };
    const { assumedLifetimeMs } = expiry;
    // Only a request that used or made a session says anything about one.
    const sessionUsed = request.credential.kind !== 'apiKey' && request.credential.kind !== 'signUpKey';
    return assumedLifetimeMs === undefined || !sessionUsed ? response : { ...response, expiresAt: expiry.now() + assumedLifetimeMs };
  };
}

function retryAfter(response: UpstreamResponse): number | undefined {
  const value = response.headers['retry-after'];
  if (typeof value !== 'string') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}
