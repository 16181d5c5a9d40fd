import { Status } from 'nice-grpc-common';
import type { RichServerError } from 'nice-grpc-error-details';
import { ErrorReason, takenReason } from '../../clients/src/error-reasons';
import type { Credential } from '../upstream/credential';
import { UpstreamError } from '../upstream/upstream-error';
import { type FieldViolation, gatewayError } from './gateway-errors';

/** How to read an upstream failure of one RPC. */
export interface MappingContext {
  /** The authority the failed request carried: the caller's token, the gateway's own, the API key, or a signature. */
  credential: Credential['kind'];
  /** Upstream field name → contract field path, for BadRequest (`login` → `user.login`). */
  fields?: Readonly<Record<string, string>>;
  /** The upstream's name for messages: `QuickBlox`, `ConnectyCube`. */
  upstream: string;
}

type Fail = (code: Status, message: string, reason: string, extra?: { violations?: FieldViolation[]; retryDelaySeconds?: number }) => RichServerError;

/**
 * Translates a failed upstream request into a gRPC status with details
 * (docs/error-model.md), by the failure's kind and the credential it carried.
 * Whatever the gateway's own credentials caused — a bad secret, an unknown
 * application, a rejected API key, clock trouble — is the gateway's problem
 * (UNAVAILABLE), never the caller's. The UpstreamError stays the `cause`.
 */
export function mapUpstreamError(error: UpstreamError, context: MappingContext): RichServerError {
  const api = `the ${context.upstream} API`;
  if (!error.answered) return noAnswer(error, api);
  const text = error.text;
  const metadata = { upstream_status: String(error.status), upstream_message: text, upstream_route: error.route };
  const fail: Fail = (code, message, reason, extra = {}) => gatewayError(code, message, { reason, metadata, cause: error, ...extra });
  const refused = `${api} refused the call${text ? ` (${text})` : ''}`;
  const lostOwnCredential = context.credential === 'apiKey' || context.credential === 'application' || context.credential === 'signUpKey';
  switch (error.kind) {
    case 'app_credentials_rejected':
      return fail(Status.UNAVAILABLE, `the gateway is misconfigured: ${api} rejected its application credentials (${text})`, ErrorReason.GATEWAY_MISCONFIGURED);
    case 'bad_timestamp':
      return fail(Status.UNAVAILABLE, `${api} rejected the gateway's clock (${text})`, ErrorReason.CLOCK_SKEW);
    case 'nonce_rejected':
      return fail(Status.UNAVAILABLE, `${api} rejected a nonce`, ErrorReason.NONCE_REJECTED);
    case 'session_missing':
    case 'token_required':
    case 'unauthorized':
      if (lostOwnCredential) return ownCredentialLost(context.credential, api, fail);
      if (error.kind === 'session_missing')
        return fail(Status.UNAUTHENTICATED, 'the session token in qb-token has expired or was destroyed; create a new session', ErrorReason.SESSION_EXPIRED);
      if (error.kind === 'token_required') return fail(Status.UNAUTHENTICATED, 'this call needs a session token in qb-token', ErrorReason.TOKEN_REQUIRED);
      return fail(Status.UNAUTHENTICATED, 'the credentials were not accepted', ErrorReason.BAD_CREDENTIALS);
    case 'need_user':
      return fail(Status.PERMISSION_DENIED, 'this call needs a user session: pass a user session token in qb-token', ErrorReason.NEED_USER);
    case 'not_owner':
      return fail(Status.PERMISSION_DENIED, 'a user session may only change its own user', ErrorReason.NOT_OWNER);
    case 'forbidden':
      return fail(Status.PERMISSION_DENIED, refused, ErrorReason.FORBIDDEN);
    case 'listing_forbidden':
      return fail(Status.PERMISSION_DENIED, `${api} does not allow listing users in this application (${text})`, ErrorReason.FORBIDDEN);
    case 'not_found':
      return fail(Status.NOT_FOUND, error.messages[0] ?? 'not found', error.route.startsWith('/users') ? ErrorReason.USER_NOT_FOUND : ErrorReason.NOT_FOUND);
    case 'invalid_fields':
      return fieldErrors(error, context, fail);
    case 'rejected':
      return fail(Status.FAILED_PRECONDITION, refused, ErrorReason.UPSTREAM_REJECTED);
    case 'rate_limited':
      return fail(
        Status.RESOURCE_EXHAUSTED,
        `the ${context.upstream} application's rate limit was hit; retry after the delay given`,
        ErrorReason.RATE_LIMITED,
        {
          retryDelaySeconds: error.retryAfterSeconds ?? 1,
        },
      );
    case 'bad_gateway':
    case 'server_error':
      return fail(Status.UNAVAILABLE, `${api} failed (HTTP ${error.status})`, ErrorReason.UPSTREAM_UNAVAILABLE);
    default:
      return fail(Status.UNKNOWN, `${api} answered HTTP ${error.status}`, ErrorReason.UPSTREAM_ERROR);
  }
}

/** The upstream did not answer, or the request was never sent. */
function noAnswer(error: UpstreamError, api: string): RichServerError {
  const options = { metadata: { upstream_route: error.route }, cause: error };
  if (error.kind === 'timeout')
    return gatewayError(Status.DEADLINE_EXCEEDED, `${api} did not answer in time`, { reason: ErrorReason.UPSTREAM_TIMEOUT, ...options });
  if (error.kind === 'throttled') {
    return gatewayError(
      Status.RESOURCE_EXHAUSTED,
      "the gateway's request budget for the upstream application (QB_RATE_LIMIT) is used up; retry after the delay given",
      {
        reason: ErrorReason.RATE_LIMITED,
        retryDelaySeconds: error.retryAfterSeconds ?? 1,
        ...options,
      },
    );
  }
  if (error.kind === 'circuit_open') {
    return gatewayError(Status.UNAVAILABLE, `${api} failed repeatedly, so the gateway stopped sending to it for a while; retry after the delay given`, {
      reason: ErrorReason.UPSTREAM_UNAVAILABLE,
      retryDelaySeconds: error.retryAfterSeconds ?? 1,
      metadata: { upstream_route: error.route, circuit: 'open' },
      cause: error,
    });
  }
  return gatewayError(Status.UNAVAILABLE, `${api} cannot be reached`, { reason: ErrorReason.UPSTREAM_UNAVAILABLE, ...options });
}

/** A 401 on the gateway's own authority: the API key was rejected, or the application session could not be renewed. */
function ownCredentialLost(credential: Credential['kind'], api: string, fail: Fail): RichServerError {
  if (credential === 'apiKey')
    return fail(Status.UNAVAILABLE, `the gateway is misconfigured: ${api} rejected its API key (QB_API_KEY)`, ErrorReason.GATEWAY_MISCONFIGURED);
  if (credential === 'signUpKey')
    return fail(Status.UNAVAILABLE, `the gateway is misconfigured: ${api} rejected its auth key (QB_AUTH_KEY)`, ErrorReason.GATEWAY_MISCONFIGURED);
  return fail(Status.UNAVAILABLE, "the gateway's application session was lost and could not be renewed", ErrorReason.UPSTREAM_SESSION_LOST);
}

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
  const [firstTaken] = taken;
  if (firstTaken !== undefined) return fail(Status.ALREADY_EXISTS, message, takenReason(firstTaken), { violations });
  return fail(Status.INVALID_ARGUMENT, message, ErrorReason.VALIDATION_FAILED, { violations });
}

/** Rethrows anything but an UpstreamError; maps an UpstreamError. For `catch` blocks of handlers. */
export function rethrowMapped(error: unknown, context: MappingContext): never {
  if (error instanceof UpstreamError) throw mapUpstreamError(error, context);
  throw error;
}
