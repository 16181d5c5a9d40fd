import { AbortError } from 'abort-controller-x';
import type { CallScope, UpstreamResponse } from '../upstream/interceptor';

/** Runs a read, or joins the identical one in flight. */
export type ShareRead = (key: string, scope: CallScope, run: (scope: CallScope) => Promise<UpstreamResponse>) => Promise<UpstreamResponse>;

interface InFlight {
  promise: Promise<UpstreamResponse>;
  abort: AbortController;
  waiting: number;
}

/**
 * Identical reads in flight (same request, same credential) share one
 * upstream request; it is abandoned only when every caller sharing it has
 * gone. `onShared` counts the requests saved.
 */
export function createReadSharing(onShared: () => void = () => {}): ShareRead {
  const inFlight = new Map<string, InFlight>();
  return (key, scope, run) => {
    let entry = inFlight.get(key);
    if (entry) onShared();
    else {
      const abort = new AbortController();
      const shared: CallScope = { upstreamRequests: 0, signal: abort.signal };
      const promise = run(shared).finally(() => {
        inFlight.delete(key);
        scope.upstreamRequests += shared.upstreamRequests;
      });
      entry = { promise, abort, waiting: 0 };
      inFlight.set(key, entry);
    }
    const joined = entry;
    joined.waiting++;
    const { signal } = scope;
    if (!signal) return joined.promise;
    return new Promise<UpstreamResponse>((resolve, reject) => {
      const gone = () => {
        reject(new AbortError());
        if (--joined.waiting === 0) joined.abort.abort();
      };
      if (signal.aborted) return gone();
      signal.addEventListener('abort', gone, { once: true });
      joined.promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', gone));
    });
  };
}
