import type { Logger } from '../logging/logger';
import type { Readiness } from '../readiness';
import type { AppSessionCache } from './app-session';
import { backoffDelay } from './backoff';
import { keeperBackoff } from './retry-policy';

/**
 * Makes the gateway ready without waiting for traffic: creates the
 * application session at start and, while the upstream cannot be reached or
 * rejects the credentials, tries again with backoff (`keeperBackoff`) —
 * a gateway that is not ready gets no calls that would otherwise retry it.
 * Returns a function that stops it.
 */
export function keepApplicationSession(cache: AppSessionCache, readiness: Readiness, logger: Logger): () => void {
  let timer: NodeJS.Timeout | undefined;
  let trying = false;
  let failures = 0;
  let stopped = false;

  function schedule(): void {
    if (stopped || trying || timer) return;
    timer = setTimeout(attempt, backoffDelay(keeperBackoff, failures++));
    timer.unref();
  }

  function attempt(): void {
    timer = undefined;
    if (stopped || readiness.state().ready) return;
    trying = true;
    cache.token().then(
      () => {
        trying = false;
        failures = 0;
      },
      (e: Error) => {
        trying = false;
        if (stopped) return;
        logger.warn({ error: e.message, retryInMs: Math.round(backoffDelay(keeperBackoff, failures)) }, 'cannot create the application session yet');
        schedule();
      },
    );
  }

  const unsubscribe = readiness.onChange((state) => {
    if (!state.ready && state.reason === 'misconfigured') schedule();
  });
  attempt();
  return () => {
    stopped = true;
    unsubscribe();
    if (timer) clearTimeout(timer);
  };
}
