import type { ServerMiddleware } from 'nice-grpc-common';
import { invalidArgument } from '../errors/gateway-errors';
import { replacementCharacterFields } from '../validation/replacement-characters';

/** A unary request whose strings carry invalid UTF-8 is INVALID_ARGUMENT naming each such field, before any handler runs. */
export const wellFormedTextMiddleware: ServerMiddleware = async function* wellFormedText(call, context) {
  if (!call.requestStream) {
    const violations = replacementCharacterFields(call.request);
    if (violations.length) throw invalidArgument(violations);
  }
  return yield* call.next(call.request, context);
};
