/**
 * Every `google.rpc.ErrorInfo.reason` the gateway reports (domain
 * `quickblox.com`), one set for the gateway that raises them and the clients
 * that read them. A taken unique field adds `<FIELD>_TAKEN` (`LOGIN_TAKEN`,
 * `EMAIL_TAKEN`, …), named after the upstream's field: `takenReason`.
 */
export const ErrorReason = {
  /** The request failed validation; BadRequest names every bad field; nothing went upstream. */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  /** The upstream rejected fields; BadRequest names them. */
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  LOGIN_TAKEN: 'LOGIN_TAKEN',
  EMAIL_TAKEN: 'EMAIL_TAKEN',
  FACEBOOK_ID_TAKEN: 'FACEBOOK_ID_TAKEN',
  /** Wrong login, email, password or provider token. */
  BAD_CREDENTIALS: 'BAD_CREDENTIALS',
  /** The `qb-token` session expired or was destroyed. */
  SESSION_EXPIRED: 'SESSION_EXPIRED',
  /** The call needs `qb-token`. */
  TOKEN_REQUIRED: 'TOKEN_REQUIRED',
  /** No user session. */
  NEED_USER: 'NEED_USER',
  /** Another user's data. */
  NOT_OWNER: 'NOT_OWNER',
  /** Refused by the application's settings. */
  FORBIDDEN: 'FORBIDDEN',
  USER_NOT_FOUND: 'USER_NOT_FOUND',
  NOT_FOUND: 'NOT_FOUND',
  /** The application's rate limit, or the gateway's budget for it; RetryInfo says when to retry. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** A feature the configured upstream does not offer. */
  UNSUPPORTED_BY_UPSTREAM: 'UNSUPPORTED_BY_UPSTREAM',
  /** The call needs an API key configured on the gateway. */
  API_KEY_REQUIRED: 'API_KEY_REQUIRED',
  /** Another refusal by the upstream. */
  UPSTREAM_REJECTED: 'UPSTREAM_REJECTED',
  /** The upstream rejected the gateway's own credentials: the operator's to fix. */
  GATEWAY_MISCONFIGURED: 'GATEWAY_MISCONFIGURED',
  /** The upstream rejected the gateway's clock. */
  CLOCK_SKEW: 'CLOCK_SKEW',
  /** The upstream rejected a nonce. */
  NONCE_REJECTED: 'NONCE_REJECTED',
  /** The gateway's application session was lost and could not be renewed. */
  UPSTREAM_SESSION_LOST: 'UPSTREAM_SESSION_LOST',
  /** The upstream failed or could not be reached. */
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  /** The upstream did not answer in time. */
  UPSTREAM_TIMEOUT: 'UPSTREAM_TIMEOUT',
  /** The gateway was shutting down and its grace period (SHUTDOWN_GRACE_MS) ended before the call did: retry, on another replica. */
  SHUTTING_DOWN: 'SHUTTING_DOWN',
  /** The upstream answered with a status the gateway does not know. */
  UPSTREAM_ERROR: 'UPSTREAM_ERROR',
  /** The caller's own credentials (bearer key, JWT, client certificate) were not accepted by the gateway's policy. */
  CALLER_UNAUTHENTICATED: 'CALLER_UNAUTHENTICATED',
  /** The gateway's policy does not let this caller call this method. */
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  /** The call needs the account owner's powers (the API key), which the policy does not grant this caller. */
  OWNER_POWERS_NOT_GRANTED: 'OWNER_POWERS_NOT_GRANTED',
  /** The caller's quota of calls per second is used up; RetryInfo says when to retry. */
  CALLER_QUOTA_EXCEEDED: 'CALLER_QUOTA_EXCEEDED',
  /** The `qb-application` metadata names no application of the gateway; the message lists the known ones. */
  UNKNOWN_APPLICATION: 'UNKNOWN_APPLICATION',
  /** The gateway's policy does not let this caller call this application. */
  APPLICATION_NOT_ALLOWED: 'APPLICATION_NOT_ALLOWED',
} as const;

/** One of the documented reasons. */
export type ErrorReason = (typeof ErrorReason)[keyof typeof ErrorReason];

/** The reason for a taken unique field other than the three listed: `<FIELD>_TAKEN`. */
export type TakenReason = `${string}_TAKEN`;

/** What `GatewayError.reason` can be: a documented reason, or a taken field's. */
export type GatewayReason = ErrorReason | TakenReason;

/** The reason for a taken unique field, from the upstream's field name: `login` → `LOGIN_TAKEN`. */
export function takenReason(upstreamField: string): TakenReason {
  return `${upstreamField.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_TAKEN`;
}
