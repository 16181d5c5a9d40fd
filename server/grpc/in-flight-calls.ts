import { type ServerMiddleware, Status } from 'nice-grpc-common';
import { ErrorReason } from '../../clients/src/error-reasons';
import { gatewayError } from '../errors/gateway-errors';
import type { ScopeContext } from '../services/call-context';

export interface InFlightCalls {
  /** Tracks each call, so that `cutOff` can end it. */
  middleware: ServerMiddleware<ScopeContext, ScopeContext>;
  /**
   * Ends every call still in flight at once with UNAVAILABLE `SHUTTING_DOWN`;
   * returns how many there were. What they wait on upstream is aborted by
   * destroying the connection pool (`Upstream.close(true)`), not call by call:
   * a controller per call would cost every call for the sake of the last few.
   */
  cutOff(): number;
  /** Calls in flight now. */
  readonly size: number;
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
  const calls = new Set<(error: Error) => void>();
  const middleware: ServerMiddleware<ScopeContext, ScopeContext> = async function* inFlight(call, context) {
    let end!: (error: Error) => void;
    const cut = new Promise<never>((_, reject) => {
      end = reject;
    });
    calls.add(end);
    const inner = call.next(call.request, context);
    try {
      for (;;) {
        const step = await Promise.race([inner.next(), cut]);
        if (step.done) return step.value;
        yield step.value;
      }
    } finally {
      calls.delete(end);
    }
  };
  return {
    middleware,
    cutOff() {
      const count = calls.size;
      for (const end of calls) {
        end(
          gatewayError(Status.UNAVAILABLE, 'the gateway is shutting down and its grace period is over: retry on another replica', {
            reason: ErrorReason.SHUTTING_DOWN,
          }),
        );
      }
      return count;
    },
    get size() {
      return calls.size;
    },
  };
}
