import type { CallContext } from 'nice-grpc-common';
import { invalidArgument } from '../errors/gateway-errors';
import type { GatewayContext } from './call-context';

/** The metadata key of the caller's QuickBlox session token. */
export const tokenMetadataKey = 'qb-token';

// Printable ASCII: what an HTTP header value can carry unchanged.
const tokenShape = /^[\x21-\x7e]{1,4096}$/;

/** The caller's session token from `qb-token` metadata, if it sent one. A malformed one is INVALID_ARGUMENT. */
export function callerToken(context: CallContext): string | undefined {
  const token = context.metadata.get(tokenMetadataKey);
  if (token === undefined || token === '') return undefined;
  if (typeof token !== 'string' || !tokenShape.test(token)) {
    throw invalidArgument([{ field: tokenMetadataKey, description: 'metadata must be a session token: 1 to 4096 printable ASCII characters' }]);
  }
  return token;
}

/**
 * Who is calling, for scoping reused user sessions: the caller the policy
 * authenticated; else the caller's `authorization` metadata when it sends one
 * (no policy checks it then, but it tells callers apart), else its network
 * address without the port.
 */
export function callerIdentity(context: GatewayContext): string {
  if (context.caller.authenticated) return `caller:${context.caller.name}`;
  const authorization = context.metadata.get('authorization');
  if (typeof authorization === 'string' && authorization) return `authorization:${authorization}`;
  return `peer:${context.peer.replace(/:\d+$/, '')}`;
}
