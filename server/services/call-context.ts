import type { CallContext } from 'nice-grpc-common';
import type { CallScope } from '../upstream/interceptor';

/** What gateway middleware adds to every call's context. */
export interface GatewayCallContext {
  /** Cancellation and upstream bookkeeping of this call. */
  scope: CallScope;
}

export type GatewayContext = CallContext & GatewayCallContext;
