import type { CallContext } from 'nice-grpc-common';
import type { CallScope } from '../upstream/interceptor';

/** Who is calling, as the services need to know it: for owner powers, audit lines and the reuse cache's scope. */
export interface Caller {
  /** The policy's name for the caller, or `anonymous`. */
  name: string;
  /** False for `anonymous`. */
  authenticated: boolean;
  /** Granted the API key's authority as the account owner. */
  ownerPowers: boolean;
}

/** What the call-log middleware adds to every call's context. */
export interface ScopeContext {
  /** Cancellation and upstream bookkeeping of this call. */
  scope: CallScope;
}

/** What the caller middleware adds. */
export interface CallerContext {
  caller: Caller;
  /** The application the call is for: its `qb-application` metadata, or the default. */
  application: string;
}

/** What gateway middleware adds to every call's context. */
export type GatewayCallContext = ScopeContext & CallerContext;

export type GatewayContext = CallContext & GatewayCallContext;
