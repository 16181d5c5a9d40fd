import { ClientError, type ClientMiddleware, type Metadata, Status } from 'nice-grpc-common';
import { BadRequest, ErrorInfo, RetryInfo, Status as RpcStatus } from '../../gen/index.google.rpc';
import { ErrorReason, type GatewayReason } from './error-reasons';
import { GatewayError, type GatewayErrorDetails } from './gateway-error';
import { unencodableNumbers } from './request-check';

const detailsKey = 'grpc-status-details-bin';

/**
 * Turns every failed call into a GatewayError, decoding the
 * `grpc-status-details-bin` trailer (a google.rpc.Status) into its ErrorInfo,
 * BadRequest and RetryInfo.
 */
export const errorMiddleware: ClientMiddleware = async function* decodeErrors(call, options) {
  let trailer: Metadata | undefined;
  try {
    return yield* call.next(call.request, {
      ...options,
      onTrailer(received) {
        trailer = received;
        options.onTrailer?.(received);
      },
    });
  } catch (error) {
    if (!(error instanceof ClientError) || error instanceof GatewayError) throw error;
    if (error.code === Status.INTERNAL && /serializ/i.test(error.details)) throw unencodable(error, call.request);
    throw new GatewayError(error.path, error.code, error.details, decode(trailer?.get(detailsKey)));
  }
};

/**
 * A request grpc-js could not encode (a `1.5` where an int64 goes) never left
 * this process: the caller's error, INVALID_ARGUMENT naming the fields, as
 * the gateway itself would have said, rather than INTERNAL.
 */
function unencodable(error: ClientError, request: unknown): GatewayError {
  const fieldViolations = unencodableNumbers(request);
  const named = fieldViolations.map((v) => `${v.field} ${v.description}`).join('; ');
  const details = `the request cannot be encoded${named ? `: ${named}` : ` (${error.details})`}`;
  return new GatewayError(error.path, Status.INVALID_ARGUMENT, details, { reason: ErrorReason.INVALID_ARGUMENT, domain: 'quickblox.com', fieldViolations });
}

export function decode(bin: Uint8Array | string | undefined): GatewayErrorDetails {
  const decoded: GatewayErrorDetails = { fieldViolations: [] };
  if (!(bin instanceof Uint8Array)) return decoded;
  let status: RpcStatus;
  try {
    status = RpcStatus.decode(bin);
  } catch {
    return decoded;
  }
  for (const any of status.details) {
    try {
      switch (any.typeUrl.slice(any.typeUrl.lastIndexOf('/') + 1)) {
        case 'google.rpc.ErrorInfo': {
          const info = ErrorInfo.decode(any.value);
          decoded.reason = info.reason as GatewayReason;
          decoded.domain = info.domain;
          if (info.metadata.upstream_status) decoded.upstreamStatus = Number(info.metadata.upstream_status);
          if (info.metadata.upstream_message) decoded.upstreamMessage = info.metadata.upstream_message;
          break;
        }
        case 'google.rpc.BadRequest':
          decoded.fieldViolations.push(...BadRequest.decode(any.value).fieldViolations.map(({ field, description }) => ({ field, description })));
          break;
        case 'google.rpc.RetryInfo': {
          const delay = RetryInfo.decode(any.value).retryDelay;
          if (delay) decoded.retryDelayMs = Number(delay.seconds) * 1000 + Math.round(delay.nanos / 1e6);
          break;
        }
      }
    } catch {
      // a detail that does not decode is left out; the status still stands
    }
  }
  return decoded;
}
