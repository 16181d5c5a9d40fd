import { Status } from 'nice-grpc-common';
import { ErrorReason } from '../../clients/src/error-reasons';
import { gatewayError } from '../errors/gateway-errors';
import type { Credential } from '../upstream/credential';
import type { Upstream } from '../upstream/upstream';
import type { GatewayContext } from './call-context';
import { callerToken } from './caller-metadata';

/** What authority an RPC needs upstream (docs/token-design.md). */
export type TokenNeed =
  /** The caller's `qb-token`; without one, UNAUTHENTICATED `TOKEN_REQUIRED`. */
  | 'caller'
  /** The caller's `qb-token`, else the gateway's shared application session. */
  | 'callerOrApplication'
  /**
   * The caller's `qb-token`; else the API key, for a caller that holds owner
   * powers when the gateway has one (the sign-up a production backend makes);
   * else the upstream's sign-up key where it has one (ConnectyCube), else the
   * application session.
   */
  | 'callerOrOwnerOrSignUp'
  /**
   * The caller's `qb-token`; else the application session, and for a caller
   * that holds owner powers the API key — where the application refuses the
   * read to its session for a dashboard setting (listing users turned off),
   * or at once when the application reads as its owner (`ownerReads: always`).
   */
  | 'callerOrApplicationOrOwner'
  /**
   * The caller's `qb-token`, else the API key as the account owner when the
   * caller holds owner powers; else PERMISSION_DENIED (`OWNER_POWERS_NOT_GRANTED`,
   * or `NEED_USER` when no API key is configured).
   */
  | 'callerOrOwner'
  /** The API key as the account owner, for a caller that holds owner powers; without a key, FAILED_PRECONDITION `API_KEY_REQUIRED`. */
  | 'owner'
  /** No token at all: the application's id and key, signed where the upstream wants it (`POST /session.json`). */
  | 'signature';

/** The one table of which credential each RPC uses. */
export const tokenPolicy = {
  CreateSession: 'signature',
  GetSession: 'caller',
  Login: 'caller',
  Logout: 'caller',
  DestroySession: 'caller',
  CreateUser: 'callerOrOwnerOrSignUp',
  GetUser: 'callerOrApplicationOrOwner',
  GetUsers: 'callerOrApplicationOrOwner',
  FindUser: 'callerOrApplicationOrOwner',
  ListUsers: 'callerOrApplicationOrOwner',
  ResetPassword: 'callerOrApplication',
  UpdateUser: 'callerOrOwner',
  DeleteUser: 'callerOrOwner',
  CreateUserToken: 'owner',
} as const satisfies Record<string, TokenNeed>;

/** An RPC of SessionService or UserService, by its method name. */
export type Rpc = keyof typeof tokenPolicy;

/** What of the upstream the token policy reads. */
export type UpstreamAuthorities = Pick<Upstream, 'hasApiKey' | 'flavour' | 'ownerReads'>;

/** The credential `rpc` uses for this call, or the error saying what it lacks. */
export function credentialFor(rpc: Rpc, context: GatewayContext, upstream: UpstreamAuthorities): Credential {
  const need: TokenNeed = tokenPolicy[rpc];
  const { hasApiKey } = upstream;
  if (need === 'signature') return { kind: 'signature' };
  if (need === 'owner') return ownerCredential(rpc, context, hasApiKey);
  const token = callerToken(context);
  if (token !== undefined) return { kind: 'token', token };
  if (need === 'callerOrApplication') return { kind: 'application' };
  const owner = context.caller.ownerPowers && hasApiKey;
  if (need === 'callerOrApplicationOrOwner') return owner && upstream.ownerReads === 'always' ? { kind: 'apiKey' } : { kind: 'application' };
  if (need === 'callerOrOwnerOrSignUp') {
    if (owner) return { kind: 'apiKey' };
    return upstream.flavour.signUpKeyHeader === undefined ? { kind: 'application' } : { kind: 'signUpKey' };
  }
  if (need === 'callerOrOwner') {
    if (!hasApiKey) {
      throw gatewayError(
        Status.PERMISSION_DENIED,
        `${rpc} needs the user's session token in the qb-token metadata (the gateway has no API key to act without one)`,
        { reason: ErrorReason.NEED_USER },
      );
    }
    return ownerCredential(rpc, context, hasApiKey, " or the user's session token in the qb-token metadata");
  }
  throw gatewayError(Status.UNAUTHENTICATED, `${rpc} needs the session token in the qb-token metadata`, { reason: ErrorReason.TOKEN_REQUIRED });
}

/** The API key, for a caller the policy grants owner powers. */
function ownerCredential(rpc: Rpc, context: GatewayContext, hasApiKey: boolean, orElse = ''): Credential {
  if (!hasApiKey) {
    throw gatewayError(Status.FAILED_PRECONDITION, `${rpc} needs an API key configured on the gateway (QB_API_KEY)`, { reason: ErrorReason.API_KEY_REQUIRED });
  }
  const { caller } = context;
  if (caller.ownerPowers) return { kind: 'apiKey' };
  throw gatewayError(
    Status.PERMISSION_DENIED,
    `${rpc} needs the account owner's powers${orElse}: the gateway's policy does not grant them to caller "${caller.name}"`,
    { reason: ErrorReason.OWNER_POWERS_NOT_GRANTED, metadata: { caller: caller.name } },
  );
}

/**
 * The credential a read falls back to when the application refuses its
 * session the read for a dashboard setting: the API key, for a caller with
 * owner powers on a gateway that has one; otherwise none, and the refusal
 * stands.
 */
export function whenRefused(rpc: Rpc, context: GatewayContext, upstream: UpstreamAuthorities): Credential | undefined {
  const need: TokenNeed = tokenPolicy[rpc];
  if (need !== 'callerOrApplicationOrOwner' || callerToken(context) !== undefined) return undefined;
  return context.caller.ownerPowers && upstream.hasApiKey ? { kind: 'apiKey' } : undefined;
}

/** The caller's token, for the RPCs whose need is `caller`. */
export function callerTokenFor(rpc: Rpc, context: GatewayContext, upstream: UpstreamAuthorities): string {
  const credential = credentialFor(rpc, context, upstream);
  if (credential.kind !== 'token') throw new Error(`${rpc} does not use the caller's token`);
  return credential.token;
}
