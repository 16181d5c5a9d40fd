import { isAbortError } from 'abort-controller-x';
import { ServerError, type ServerMiddleware, Status } from 'nice-grpc-common';
import type { Logger } from '../logging/logger';

/**
 * The last line of defence: an error that is neither a gRPC status nor a
 * cancellation is a gateway bug. Its stack goes to the log; the caller gets
 * INTERNAL without internals.
 */
export function internalErrorMiddleware(logger: Logger): ServerMiddleware {
  return async function* internalErrors(call, context) {
    try {
      return yield* call.next(call.request, context);
    } catch (e) {
      if (e instanceof ServerError || isAbortError(e)) throw e;
      logger.error({ method: call.method.path, err: e }, 'unexpected error');
      throw new ServerError(Status.INTERNAL, 'internal gateway error');
    }
  };
}
