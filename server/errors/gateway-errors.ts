import { Status } from 'nice-grpc-common';
import { BadRequest, type ErrorDetails, ErrorInfo, RetryInfo, RichServerError } from 'nice-grpc-error-details';
import { ErrorReason } from '../../clients/src/error-reasons';

/** The `ErrorInfo.domain` of every error the gateway reports. */
export const errorDomain = 'quickblox.com';

/** One bad field of a request, named by its path in the contract (`user.login`). */
export interface FieldViolation {
  field: string;
  description: string;
}

export interface GatewayErrorOptions {
  /** Stable machine-readable cause: one of `ErrorReason`, or a `…_TAKEN` reason. */
  reason: ErrorReason | (string & {});
  metadata?: Record<string, string>;
  violations?: readonly FieldViolation[];
  retryDelaySeconds?: number;
  /** What led to it (an UpstreamError): kept for logs, never sent to the caller. */
  cause?: unknown;
}

/**
 * A gRPC error with the google.rpc details the contract promises
 * (docs/error-model.md): always an ErrorInfo (domain `quickblox.com`), plus
 * BadRequest field violations and RetryInfo when they apply.
 */
export function gatewayError(code: Status, message: string, options: GatewayErrorOptions): RichServerError {
  const details: ErrorDetails[] = [ErrorInfo.fromPartial({ reason: options.reason, domain: errorDomain, metadata: options.metadata ?? {} })];
  if (options.violations?.length) details.push(BadRequest.fromPartial({ fieldViolations: options.violations.map((v) => ({ ...v })) }));
  if (options.retryDelaySeconds !== undefined) {
    details.push(RetryInfo.fromPartial({ retryDelay: { seconds: Math.ceil(options.retryDelaySeconds), nanos: 0 } }));
  }
  const error = new RichServerError(code, message, details);
  if (options.cause !== undefined) error.cause = options.cause;
  return error;
}

/** INVALID_ARGUMENT for a request that failed validation, naming every bad field. */
export function invalidArgument(violations: readonly FieldViolation[]): RichServerError {
  const message = violations.map((v) => `${v.field}: ${v.description}`).join('; ');
  return gatewayError(Status.INVALID_ARGUMENT, message, { reason: ErrorReason.INVALID_ARGUMENT, violations });
}

/** FAILED_PRECONDITION for a request the configured upstream cannot serve (e.g. a ConnectyCube-only feature). */
export function unsupported(field: string, description: string): RichServerError {
  return gatewayError(Status.FAILED_PRECONDITION, `${field}: ${description}`, {
    reason: ErrorReason.UNSUPPORTED_BY_UPSTREAM,
    violations: [{ field, description }],
  });
}
