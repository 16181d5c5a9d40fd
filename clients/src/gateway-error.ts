import { ClientError, Status } from 'nice-grpc-common';
import { ErrorReason, type GatewayReason } from './error-reasons';

/** A bad request field, named by its path in the request (`user.login`). */
export interface FieldViolation {
  field: string;
  description: string;
}

/** What the gateway said about a failure beyond its status code (google.rpc details). */
export interface GatewayErrorDetails {
  /**
   * Stable machine-readable cause, e.g. `SESSION_EXPIRED`, `LOGIN_TAKEN`
   * (google.rpc.ErrorInfo): one of `ErrorReason`, or `<FIELD>_TAKEN`. A newer
   * gateway may add reasons: compare with `ErrorReason`, do not switch exhaustively.
   */
  reason?: GatewayReason;
  /** The ErrorInfo domain: `quickblox.com` for the gateway's errors. */
  domain?: string;
  /** The HTTP status the QuickBlox API answered, when it answered. */
  upstreamStatus?: number;
  /** The QuickBlox API's own message. */
  upstreamMessage?: string;
  /** Every bad field (google.rpc.BadRequest). */
  fieldViolations: FieldViolation[];
  /** How long to wait before retrying (google.rpc.RetryInfo). */
  retryDelayMs?: number;
}

/**
 * Every error a gateway call fails with: the gRPC status plus the decoded
 * details. It is a nice-grpc `ClientError`, so code that already catches those
 * keeps working.
 */
export class GatewayError extends ClientError implements GatewayErrorDetails {
  readonly reason?: GatewayReason;
  readonly domain?: string;
  readonly upstreamStatus?: number;
  readonly upstreamMessage?: string;
  readonly fieldViolations: FieldViolation[];
  readonly retryDelayMs?: number;

  constructor(path: string, code: Status, details: string, decoded: GatewayErrorDetails) {
    super(path, code, details);
    this.name = 'GatewayError';
    Object.assign(this, decoded);
    this.fieldViolations = decoded.fieldViolations;
  }

  /** The `qb-token` session expired or was destroyed: create a new session. */
  isSessionExpired(): boolean {
    return this.reason === ErrorReason.SESSION_EXPIRED;
  }
  /** Wrong login, email, password or provider token. */
  isBadCredentials(): boolean {
    return this.reason === ErrorReason.BAD_CREDENTIALS;
  }
  isNotFound(): boolean {
    return this.code === Status.NOT_FOUND;
  }
  /** A unique field (login, email, …) is taken; `reason` says which (`LOGIN_TAKEN`). */
  isAlreadyExists(): boolean {
    return this.code === Status.ALREADY_EXISTS;
  }
  /** The request was malformed; `fieldViolations` names every bad field. */
  isInvalidArgument(): boolean {
    return this.code === Status.INVALID_ARGUMENT;
  }
  /** No permission: no user session (`NEED_USER`), or another user's data (`NOT_OWNER`). */
  isPermissionDenied(): boolean {
    return this.code === Status.PERMISSION_DENIED;
  }
  /** The QuickBlox rate limit: wait `retryDelayMs`. */
  isRateLimited(): boolean {
    return this.reason === ErrorReason.RATE_LIMITED;
  }
  /** Worth trying again later: the gateway or the upstream is unavailable, or rate limited. */
  isRetryable(): boolean {
    return this.code === Status.UNAVAILABLE || this.isRateLimited();
  }
  /** The violations of one field. */
  violationsOf(field: string): FieldViolation[] {
    return this.fieldViolations.filter((v) => v.field === field);
  }
}
