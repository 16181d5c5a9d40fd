import type { ServerMiddleware } from 'nice-grpc-common';
import { Status } from 'nice-grpc-common';
import { ErrorReason } from '../../clients/src/error-reasons';
import { gatewayError } from '../errors/gateway-errors';
import type { ScopeContext } from '../services/call-context';

export interface InFlightCalls {
  /** Tracks each call and gives its scope a signal that `cutOff` aborts. */
  middleware: ServerMiddleware<ScopeContext, ScopeContext>;
  /**
   * Ends every call still in flight at once with UNAVAILABLE `SHUTTING_DOWN`
   * and aborts what it waits on (its upstream requests, its place in the
   * rate limit); returns how many there were.
   */
  cutOff(): number;
  /** Calls in flight now. */
  readonly size: number;
}

interface Tracked {
  abort: AbortController;
  end: (error: Error) => void;
}

/**
 * The shutdown grace, enforced by the gateway itself: grpc-js's
 * `forceShutdown()` destroys only the HTTP/2 sessions it records for channelz
 * (`Server.sessions`), and with `grpc.enable_channelz: 0` it records none, so
 * calls outlived the grace (grpc-js 1.14.7, `_sessionHandler` against
 * `_channelzSessionHandler`; reproduced in test/gateway/shutdown.test.ts). Ending
 * the calls here gives each a status instead of a reset stream, and keeps
 * channelz off.
 */
export function trackInFlightCalls(): InFlightCalls {
  const calls = new Set<Tracked>();
  const middleware: ServerMiddleware<ScopeContext, ScopeContext> = async function* inFlight(call, context) {
    const abort = new AbortController();
    const callerGone = () => abort.abort();
    context.signal.addEventListener('abort', callerGone, { once: true });
    let end!: (error: Error) => void;
    const cut = new Promise<never>((_, reject) => {
      end = reject;
    });
    const tracked: Tracked = { abort, end };
    calls.add(tracked);
    const scope = context.scope;
    const before = scope.signal;
    scope.signal = abort.signal;
    const inner = call.next(call.request, { ...context, signal: abort.signal });
    try {
      for (;;) {
        const step = await Promise.race([inner.next(), cut]);
        if (step.done) return step.value;
        yield step.value;
      }
    } finally {
      calls.delete(tracked);
      context.signal.removeEventListener('abort', callerGone);
      scope.signal = before;
    }
  };
  return {
    middleware,
    cutOff() {
      const count = calls.size;
      for (const { abort, end } of calls) {
        end(
          gatewayError(Status.UNAVAILABLE, 'the gateway is shutting down and its grace period is over: retry on another replica', {
            reason: ErrorReason.SHUTTING_DOWN,
          }),
        );
        abort.abort();
      }
      return count;
    },
    get size() {
      return calls.size;
    },
  };
}
