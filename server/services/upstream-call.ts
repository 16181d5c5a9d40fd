import { Status } from 'nice-grpc-common';
import { gatewayError } from '../errors/gateway-errors';
import { rethrowMapped } from '../errors/upstream-error-mapping';
import type { GatewayContext } from '../grpc/call-scope';
import { callerToken } from '../grpc/caller';
import type { UserSessionCache } from '../sessions/user-session-cache';
import type { Credential, Upstream, UpstreamCall, UpstreamResult } from '../upstream/upstream-client';
import { UpstreamError } from '../upstream/upstream-error';

/** What the service handlers share. */
export interface ServiceDeps {
  upstream: Upstream;
  /** Present when QB_REUSE_USER_SESSIONS is on. */
  userSessions?: UserSessionCache;
}

/**
 * Sends one upstream request for a handler and maps a failure to the
 * contract's errors.
 */
export async function send(
  deps: ServiceDeps,
  call: UpstreamCall,
  credential: Credential,
  context: GatewayContext,
  fields?: Readonly<Record<string, string>>,
): Promise<UpstreamResult> {
  try {
    return await deps.upstream.send(call, credential, context.scope);
  } catch (e) {
    failed(deps, e, credential, fields);
  }
}

/** Like `send`, but a 404 resolves to undefined (for searches that answer 404 when nothing matches). */
export async function sendUnlessNotFound(
  deps: ServiceDeps,
  call: UpstreamCall,
  credential: Credential,
  context: GatewayContext,
): Promise<UpstreamResult | undefined> {
  try {
    return await deps.upstream.send(call, credential, context.scope);
  } catch (e) {
    if (e instanceof UpstreamError && e.status === 404) return undefined;
    failed(deps, e, credential);
  }
}

/**
 * Rethrows a failure as the contract's error. A token the upstream no longer
 * knows (401) is dropped from the user-session cache so it is never handed
 * out again.
 */
function failed(deps: ServiceDeps, e: unknown, credential: Credential, fields?: Readonly<Record<string, string>>): never {
  if (e instanceof UpstreamError && e.status === 401 && credential.kind === 'token') deps.userSessions?.dropToken(credential.token);
  rethrowMapped(e, { credential: credential.kind, fields });
}

/** The caller's token, or UNAUTHENTICATED naming what is missing. */
export function requireToken(context: GatewayContext, method: string): string {
  const token = callerToken(context);
  if (token === undefined) {
    throw gatewayError(Status.UNAUTHENTICATED, `${method} needs the session token in the qb-token metadata`, { reason: 'TOKEN_REQUIRED' });
  }
  return token;
}

/** For reads and sign-up: the caller's token, else the gateway's application session. */
export function readCredential(context: GatewayContext): Credential {
  const token = callerToken(context);
  return token === undefined ? { kind: 'application' } : { kind: 'token', token };
}

/**
 * For changes to a user: the caller's token, else the API key (the account
 * owner, who may change any user), else PERMISSION_DENIED saying what is
 * needed.
 */
export function writeCredential(deps: ServiceDeps, context: GatewayContext, method: string): Credential {
  const token = callerToken(context);
  if (token !== undefined) return { kind: 'token', token };
  if (deps.upstream.hasApiKey) return { kind: 'apiKey' };
  throw gatewayError(
    Status.PERMISSION_DENIED,
    `${method} needs the user's session token in the qb-token metadata (the gateway has no API key configured to act without one)`,
    { reason: 'NEED_USER' },
  );
}
