import { CircuitState, ConsecutiveBreaker, circuitBreaker as cockatielBreaker, handleWhen, isBrokenCircuitError } from 'cockatiel';
import type { UpstreamInterceptor } from '../interceptor';
import { breakerTrips } from '../retry-policy';
import { UpstreamError } from '../upstream-error';
import type { CircuitStateName, UpstreamObserver } from '../upstream-observer';

export interface BreakerSettings {
  /** Failures in a row that open it (QB_BREAKER_FAILURES). */
  failures: number;
  /** How long it stays open before one probe may go (QB_BREAKER_OPEN_MS). */
  openMs: number;
  now?: () => number;
}

const names: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Open]: 'open',
  [CircuitState.Isolated]: 'open',
};

/**
 * The upstream's circuit breaker (cockatiel): after `failures` tries in a
 * row that got no usable answer (`breakerTrips`: no connection, a timeout, a
 * 5xx — never a 4xx), requests fail at once, as `circuit_open` with the time
 * left, for `openMs`; then one probe goes, and its success closes the circuit.
 */
export function circuitBreaker(settings: BreakerSettings, observer: UpstreamObserver): UpstreamInterceptor {
  const now = settings.now ?? Date.now;
  const breaker = cockatielBreaker(
    handleWhen((e) => e instanceof UpstreamError && breakerTrips.includes(e.kind)),
    { halfOpenAfter: settings.openMs, breaker: new ConsecutiveBreaker(settings.failures) },
  );
  let openedAt = 0;
  breaker.onStateChange((state) => {
    if (state === CircuitState.Open) openedAt = now();
    observer.circuitState(names[state]);
  });
  return (next) => async (request) => {
    try {
      return await breaker.execute(() => next(request));
    } catch (e) {
      if (!isBrokenCircuitError(e)) throw e;
      const leftMs = Math.max(0, openedAt + settings.openMs - now());
      throw new UpstreamError('circuit_open', request.call.route, undefined, undefined, { retryAfterSeconds: Math.max(1, Math.ceil(leftMs / 1000)), cause: e });
    }
  };
}
