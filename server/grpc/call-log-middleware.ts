import { isAbortError } from 'abort-controller-x';
import { ServerError, type ServerMiddleware, Status } from 'nice-grpc-common';
import type { Logger } from '../logging/logger';
import type { ScopeContext } from '../services/call-context';
import type { CallScope } from '../upstream/interceptor';
import { UpstreamError } from '../upstream/upstream-error';

/** Told of every call of a known caller when it ends: the caller's name, the method path, the status name and the application (empty when it named an unknown one). */
export type CallObserver = (caller: string, method: string, code: string, application: string) => void;

/** Probes and tooling: every few seconds from Kubernetes, so they log at debug when they succeed. */
function quiet(path: string): boolean {
  return path.startsWith('/grpc.health.v1.') || path.startsWith('/grpc.reflection.');
}

/**
 * Opens each call's scope (its cancellation signal, its count of upstream
 * requests) and writes one log line when the call ends: method, status,
 * duration, upstream requests, and why the upstream gave no answer if it did not. Requests and metadata are never logged.
 */
export function callLogMiddleware(logger: Logger, onCall?: CallObserver): ServerMiddleware<ScopeContext> {
  // The line is built right here from the method, the status and numbers, so
  // redaction has nothing to find in it; skipping it makes the line ~3× cheaper.
  const callLogger = logger.child({}, { redact: [] });
  return async function* callLog(call, context) {
    const scope: CallScope = { signal: context.signal, upstreamRequests: 0 };
    const started = performance.now();
    let code = Status.OK;
    let message: string | undefined;
    let cause: string | undefined;
    try {
      return yield* call.next(call.request, { ...context, scope });
    } catch (e) {
      if (e instanceof ServerError) {
        code = e.code;
        message = e.details;
        // Why the upstream gave no answer (ECONNREFUSED, ENOTFOUND, a TLS failure): what the operator needs.
        if (e.cause instanceof UpstreamError && !e.cause.answered) cause = e.cause.message;
      } else {
        code = isAbortError(e) ? Status.CANCELLED : Status.UNKNOWN;
      }
      throw e;
    } finally {
      const line = {
        method: call.method.path,
        ...(scope.caller === undefined ? {} : { caller: scope.caller }),
        ...(scope.application === undefined ? {} : { application: scope.application }),
        code: Status[code],
        durationMs: Math.round((performance.now() - started) * 100) / 100,
        upstreamRequests: scope.upstreamRequests,
        ...(message === undefined ? {} : { message }),
        ...(cause === undefined ? {} : { cause }),
      };
      // A call refused for naming no application of the gateway has none: an empty label, which Prometheus reads as absent.
      if (scope.caller !== undefined) onCall?.(scope.caller, call.method.path, Status[code], scope.application ?? '');
      if (code === Status.OK && quiet(call.method.path)) callLogger.debug(line, 'call');
      else if (code === Status.OK || code === Status.CANCELLED) callLogger.info(line, 'call');
      else if (code === Status.UNKNOWN || code === Status.INTERNAL || code === Status.UNAVAILABLE) callLogger.error(line, 'call failed');
      else callLogger.info(line, 'call failed');
    }
  };
}
