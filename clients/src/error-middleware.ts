import { ClientError, type ClientMiddleware, type Metadata } from 'nice-grpc-common';
import { BadRequest, ErrorInfo, RetryInfo, Status as RpcStatus } from '../../gen/index.google.rpc';
import type { GatewayReason } from './error-reasons';
import { GatewayError, type GatewayErrorDetails } from './gateway-error';

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
    throw new GatewayError(error.path, error.code, error.details, decode(trailer?.get(detailsKey)));
  }
};

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
