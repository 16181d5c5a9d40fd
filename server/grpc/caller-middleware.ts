import type { Metadata, ServerMiddleware } from 'nice-grpc-common';
import type { CallerGate } from '../callers/caller-gate';
import type { CallerContext, ScopeContext } from '../services/call-context';

/**
 * Adds the caller and the application to each call's context (and their names
 * to the call's scope, for the log line), or ends the call with the refusal:
 * credentials, then the application named, then the policy's grant.
 */
export function callerMiddleware(gate: CallerGate, chooseApplication: (metadata: Metadata) => string): ServerMiddleware<CallerContext, ScopeContext> {
  return async function* callers(call, context) {
    const identified = await gate.identify(context, call.method.path);
    // Named before the admission check, so a refused call is counted and logged under its caller.
    context.scope.caller = identified.name;
    const application = chooseApplication(context.metadata);
    context.scope.application = application;
    const caller = gate.admit(identified, call.method.path, application);
    return yield* call.next(call.request, { ...context, caller, application });
  };
}
