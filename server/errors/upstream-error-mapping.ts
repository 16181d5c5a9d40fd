import { Status } from 'nice-grpc-common';
import type { RichServerError } from 'nice-grpc-error-details';
import type { Credential } from '../upstream/upstream-client';
import { UpstreamError } from '../upstream/upstream-error';
import { gatewayError, type FieldViolation } from './gateway-errors';

/** How to read an upstream failure of one RPC. */
export interface MappingContext {
  /** The authority the failed request carried: the caller's token, the gateway's own, or a signature (session creation). */
  credential: Credential['kind'] | 'signature';
  /** Upstream field name → contract field path, for BadRequest (`login` → `user.login`). */
  fields?: Readonly<Record<string, string>>;
}

/**
 * Translates a failed upstream request into a gRPC status with details
 * (DESIGN.md "Errors"). Whatever the gateway's own credentials caused — a bad
 * secret, an unknown application, a rejected API key, clock trouble — is
 * reported as the gateway's problem (UNAVAILABLE), never as the caller's.
 */
export function mapUpstreamError(error: UpstreamError, context: MappingContext): RichServerError {
  if (error.failure === 'unreachable') {
    return gatewayError(Status.UNAVAILABLE, 'the QuickBlox API cannot be reached', { reason: 'UPSTREAM_UNAVAILABLE', metadata: { upstream_route: error.route } });
  }
  if (error.failure === 'timeout') {
    return gatewayError(Status.DEADLINE_EXCEEDED, 'the QuickBlox API did not answer in time', { reason: 'UPSTREAM_TIMEOUT', metadata: { upstream_route: error.route } });
  }
  if (error.failure === 'throttled') {
    return gatewayError(Status.RESOURCE_EXHAUSTED, "the QuickBlox application's request budget (QB_RATE_LIMIT) is used up; retry after the delay given", {
      reason: 'RATE_LIMITED',
      metadata: { upstream_route: error.route },
      retryDelaySeconds: error.retryAfterSeconds ?? 1,
    });
  }
  const status = error.status ?? 0;
  const text = [...error.messages, ...Object.entries(error.fieldErrors).map(([f, list]) => `${f} ${list.join(', ')}`)].join('; ');
  const metadata = { upstream_status: String(status), upstream_message: text, upstream_route: error.route };
  const fail = (code: Status, message: string, reason: string, violations?: FieldViolation[], retryDelaySeconds?: number) =>
    gatewayError(code, message, { reason, metadata, violations, retryDelaySeconds });
  
  if (error.says('unexpected signature') || error.says('no application found')) {
    return fail(Status.UNAVAILABLE, `the gateway is misconfigured: the QuickBlox API rejected its application credentials (${text})`, 'GATEWAY_MISCONFIGURED');
  }
  if (status === 422 && error.says('bad timestamp')) {
    return fail(Status.UNAVAILABLE, "the QuickBlox API rejected the gateway's clock (Bad timestamp)", 'CLOCK_SKEW');
  }
  if (status === 422 && error.says('nonce')) return fail(Status.UNAVAILABLE, 'the QuickBlox API rejected a nonce', 'NONCE_REJECTED');

  switch (true) {
    case status === 401 && context.credential === 'apiKey':
      return fail(Status.UNAVAILABLE, "the gateway is misconfigured: the QuickBlox API rejected its API key (QB_API_KEY)", 'GATEWAY_MISCONFIGURED');
    case status === 401 && context.credential === 'application':
      return fail(Status.UNAVAILABLE, "the gateway's application session was lost and could not be renewed", 'UPSTREAM_SESSION_LOST');
    case status === 401 && error.says('session does not exist'):
      return fail(Status.UNAUTHENTICATED, 'the session token in qb-token has expired or was destroyed; create a new session', 'SESSION_EXPIRED');
    case status === 401 && error.says('token is required'):
      return fail(Status.UNAUTHENTICATED, 'this call needs a session token in qb-token', 'TOKEN_REQUIRED');
    case status === 401:
      return fail(Status.UNAUTHENTICATED, 'the credentials were not accepted', 'BAD_CREDENTIALS');
    case (status === 422 || status === 403) && error.says('need user'):
      return fail(Status.PERMISSION_DENIED, 'this call needs a user session: pass a user session token in qb-token', 'NEED_USER');
    case status === 403 && error.says('not owner'):
      return fail(Status.PERMISSION_DENIED, 'a user session may only change its own user', 'NOT_OWNER');
    case status === 403:
      return fail(Status.PERMISSION_DENIED, `the QuickBlox API refused the call${text ? ` (${text})` : ''}`, 'FORBIDDEN');
    case status === 404:
      return fail(Status.NOT_FOUND, error.messages[0] ?? 'not found', error.route.startsWith('/users') ? 'USER_NOT_FOUND' : 'NOT_FOUND');
    case status === 422 && Object.keys(error.fieldErrors).length > 0:
      return fieldErrors(error, context, fail);
    case status === 422 || status === 400:
      return fail(Status.FAILED_PRECONDITION, `the QuickBlox API refused the call${text ? ` (${text})` : ''}`, 'UPSTREAM_REJECTED');
    case status === 429:
      return fail(Status.RESOURCE_EXHAUSTED, "the QuickBlox application's rate limit was hit; retry after the delay given", 'RATE_LIMITED', undefined, error.retryAfterSeconds ?? 1);
    case status >= 500:
      return fail(Status.UNAVAILABLE, `the QuickBlox API failed (HTTP ${status})`, 'UPSTREAM_UNAVAILABLE');
    default:
      return fail(Status.UNKNOWN, `the QuickBlox API answered HTTP ${status}`, 'UPSTREAM_ERROR');
  }
}

type Fail = (code: Status, message: string, reason: string, violations?: FieldViolation[]) => RichServerError;

function fieldErrors(error: UpstreamError, context: MappingContext, fail: Fail): RichServerError {
  const violations: FieldViolation[] = [];
  const taken: string[] = [];
  for (const [upstreamField, list] of Object.entries(error.fieldErrors)) {
    const field = context.fields?.[upstreamField] ?? upstreamField;
    for (const description of list) {
      violations.push({ field, description });
      if (/already been taken/i.test(description)) taken.push(upstreamField);
    }
  }
  const message = violations.map((v) => `${v.field}: ${v.description}`).join('; ');
  if (taken.length > 0) {
    const reason = `${taken[0]!.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_TAKEN`;
    return fail(Status.ALREADY_EXISTS, message, reason, violations);
  }
  return fail(Status.INVALID_ARGUMENT, message, 'VALIDATION_FAILED', violations);
}

/** Rethrows anything but an UpstreamError; maps an UpstreamError. For `catch` blocks of handlers. */
export function rethrowMapped(error: unknown, context: MappingContext): never {
  if (error instanceof UpstreamError) throw mapUpstreamError(error, context);
  throw error;
}
