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

/** Something the configured upstream does not offer: a key of its flavour's `lacks`, or a finer one of a query dialect. */
export interface Lack {
  /** Stable name of what is missing (`guest_sessions`, `filter_operator_ne`). */
  feature: string;
  /** What is missing, in words. */
  lacks: string;
  /** The request field that asked for it. */
  field?: string;
}

/**
 * UNIMPLEMENTED `UNSUPPORTED_BY_UPSTREAM` for a request the configured
 * upstream cannot serve; its ErrorInfo metadata names the upstream, the
 * feature and the field.
 */
export function unsupported(upstream: { name: string; title: string }, lack: Lack): RichServerError {
  const metadata: Record<string, string> = { upstream: upstream.name, feature: lack.feature, lacks: lack.lacks };
  if (lack.field) metadata.field = lack.field;
  return gatewayError(Status.UNIMPLEMENTED, `${lack.field ? `${lack.field}: ` : ''}${upstream.title} does not offer ${lack.lacks}`, {
    reason: ErrorReason.UNSUPPORTED_BY_UPSTREAM,
    metadata,
  });
}
