import type { ServerMiddleware } from 'nice-grpc-common';
import type { CallerGate } from '../callers/caller-gate';
import type { CallerContext, ScopeContext } from '../services/call-context';

/** Adds the caller to each call's context (and its name to the call's scope, for the log line), or ends the call with the gate's refusal. */
export function callerMiddleware(gate: CallerGate): ServerMiddleware<CallerContext, ScopeContext> {
  return async function* callers(call, context) {
    const caller = await gate.identify(context, call.method.path);
    // Named before the admission check, so a refused call is counted and logged under its caller.
    context.scope.caller = caller.name;
    gate.admit(caller, call.method.path);
    return yield* call.next(call.request, { ...context, caller });
  };
}
