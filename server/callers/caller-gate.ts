import { Status } from 'nice-grpc-common';
import { ErrorReason } from '../../clients/src/error-reasons';
import type { CallerPolicy } from '../config/caller-policy';
import { gatewayMethods } from '../config/load-policy';
import { gatewayError } from '../errors/gateway-errors';
import type { Caller } from '../services/call-context';
import { type Authenticate, type AuthenticatedCaller, CallerRejected, createAuthenticator } from './authenticate';
import { methodMatcher } from './method-patterns';
import { createQuota, type Quota } from './quota';

/** Decides, for each call, who is calling and whether it may. */
export interface CallerGate {
  /** Who is calling, with what the policy grants it, or UNAUTHENTICATED for credentials that are presented but not accepted. */
  identify(context: Parameters<Authenticate>[0], path: string): Promise<AuthenticatedCaller>;
  /**
   * The caller as the call's handler sees it, its owner powers those it holds
   * in `application`, when it may make this call now; else throws
   * PERMISSION_DENIED (method, application) or RESOURCE_EXHAUSTED (quota).
   */
  admit(caller: AuthenticatedCaller, path: string, application: string): Caller;
}

/** Without a policy file: every call is `anonymous`, may call every method of every application, and holds no owner powers. */
const defaultCaller: AuthenticatedCaller = Object.freeze({ name: 'anonymous', authenticated: false, methods: ['*'], ownerPowers: false });

/** Whether a grant of owner powers covers `application`. */
const ownerPowersIn = (grant: AuthenticatedCaller, application: string) =>
  grant.ownerPowers === true || (Array.isArray(grant.ownerPowers) && grant.ownerPowers.includes(application));

const governed = new Set(gatewayMethods.map((m) => `/${m}`));

/**
 * The policy applied to each call of the gateway's own services (health and
 * reflection stay open to probes and grpcurl): authentication, then the
 * caller's methods, then its quota. A refusal never reaches a handler, so
 * nothing of it goes upstream.
 */
export function createCallerGate(policy: CallerPolicy | undefined): CallerGate {
  if (!policy) return { identify: async () => defaultCaller, admit: (caller) => ({ name: caller.name, authenticated: false, ownerPowers: false }) };
  const authenticate = createAuthenticator(policy);
  const allowed = new Map<string, (path: string) => boolean>();
  const quotas = new Map<string, Quota>();
  for (const grant of [{ name: 'anonymous', ...policy.anonymous }, ...policy.callers]) {
    allowed.set(grant.name, methodMatcher(grant.methods));
    if (grant.callsPerSecond) quotas.set(grant.name, createQuota(grant.callsPerSecond));
  }

  async function identify(context: Parameters<Authenticate>[0], path: string): Promise<AuthenticatedCaller> {
    if (!governed.has(path)) return defaultCaller;
    try {
      return await authenticate(context);
    } catch (e) {
      if (!(e instanceof CallerRejected)) throw e;
      throw gatewayError(Status.UNAUTHENTICATED, `the gateway does not accept the caller's credentials: ${e.message}`, {
        reason: ErrorReason.CALLER_UNAUTHENTICATED,
        cause: e,
      });
    }
  }

  function admit(caller: AuthenticatedCaller, path: string, application: string): Caller {
    const admitted = { name: caller.name, authenticated: caller.authenticated, ownerPowers: ownerPowersIn(caller, application) };
    if (!governed.has(path)) return admitted;
    const metadata = { caller: caller.name, method: path.slice(1) };
    if (!allowed.get(caller.name)?.(path)) {
      throw gatewayError(Status.PERMISSION_DENIED, `the gateway's policy does not let caller "${caller.name}" call ${path.slice(1)}`, {
        reason: ErrorReason.METHOD_NOT_ALLOWED,
        metadata,
      });
    }
    if (caller.applications && !caller.applications.includes(application)) {
      throw gatewayError(Status.PERMISSION_DENIED, `the gateway's policy does not let caller "${caller.name}" call application "${application}"`, {
        reason: ErrorReason.APPLICATION_NOT_ALLOWED,
        metadata: { caller: caller.name, application },
      });
    }
    const refusedForMs = quotas.get(caller.name)?.take();
    if (refusedForMs !== undefined) {
      throw gatewayError(Status.RESOURCE_EXHAUSTED, `caller "${caller.name}" has used up its quota of calls per second; retry after the delay given`, {
        reason: ErrorReason.CALLER_QUOTA_EXCEEDED,
        metadata,
        retryDelaySeconds: Math.max(1, Math.ceil(refusedForMs / 1000)),
      });
    }
    return admitted;
  }

  return { identify, admit };
}
