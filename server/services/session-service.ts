import type {
  CreateSessionRequest,
  CreateSessionResponse,
  LoginRequest,
  LoginResponse,
  Session,
  SessionServiceImplementation,
} from '../../gen/index.quickblox.v1';
import { invalidArgument } from '../errors/gateway-errors';
import { offered } from '../errors/offered';
import { rethrowMapped } from '../errors/upstream-error-mapping';
import { credentialParams, guestParams } from '../mapping/credential-params';
import { sessionFromJson } from '../mapping/session-from-json';
import { userFromJson } from '../mapping/user-from-json';
import type { Params } from '../upstream/form-encoding';
import type { CallScope } from '../upstream/interceptor';
import type { Route } from '../upstream/route';
import type { Violations } from '../validation/field-rules';
import type { GatewayCallContext, GatewayContext } from './call-context';
import { callUpstream } from './call-upstream';
import { callerIdentity } from './caller-metadata';
import type { ServiceDeps } from './service-deps';
import { callerTokenFor, type Rpc } from './token-policy';

/** SessionService over `/session` and `/login` (`.json` on QuickBlox). */
export function createSessionService(deps: ServiceDeps): SessionServiceImplementation<GatewayCallContext> {
  return {
    createSession: (request, context) => createSession(deps, request, context),
    getSession: async (_request, context) => {
      const res = await callUpstream(deps, deps.upstream.routes.getSession, tokenOf(deps, 'GetSession', context), context);
      return { session: sessionFromJson(res.body, res.expiresAt) };
    },
    login: (request, context) => login(deps, request, context),
    logout: async (_request, context) => {
      await endToken(deps, 'Logout', deps.upstream.routes.logout, context);
      return {};
    },
    destroySession: async (_request, context) => {
      await endToken(deps, 'DestroySession', deps.upstream.routes.destroySession, context);
      return {};
    },
  };
}

async function createSession(deps: ServiceDeps, request: CreateSessionRequest, context: GatewayContext): Promise<CreateSessionResponse> {
  const { subject } = request;
  const { flavour } = deps.upstream;
  const v: Violations = [];
  let params: Params = [];
  if (subject?.$case === 'guest') {
    offered(flavour, 'guest_sessions', 'guest');
    params = guestParams(subject.value, 'guest', v);
  } else if (subject) params = credentialParams(subject.value, 'user', 'session', flavour, v);
  if (v.length) throw invalidArgument(v);
  const { userSessions } = deps;
  // A guest session is a new user each time: never shared.
  if (subject?.$case !== 'user' || !userSessions) return { session: await signedSession(deps, params, context.scope) };
  // Shared by every identical call in flight, so not tied to this caller's cancellation.
  const key = userSessions.key(callerIdentity(context), subject.value);
  return { session: await userSessions.reuse(key, () => signedSession(deps, params, { upstreamRequests: 0 })) };
}

async function signedSession(deps: ServiceDeps, params: Params, scope: CallScope): Promise<Session> {
  try {
    const res = await deps.upstream.createSession(params, scope);
    return sessionFromJson(res.body, res.expiresAt);
  } catch (e) {
    rethrowMapped(e, { credential: 'signature', upstream: deps.upstream.flavour.title });
  }
}

async function login(deps: ServiceDeps, request: LoginRequest, context: GatewayContext): Promise<LoginResponse> {
  const credential = tokenOf(deps, 'Login', context);
  const v: Violations = [];
  const form = credentialParams(request.credentials, 'credentials', 'login', deps.upstream.flavour, v);
  if (v.length) throw invalidArgument(v);
  // The token's user changes: a cached session for other credentials must not keep it.
  deps.userSessions?.dropToken(credential.token);
  const res = await callUpstream(deps, { ...deps.upstream.routes.login, form }, credential, context);
  return { user: userFromJson(res.body), expiresAt: res.expiresAt === undefined ? undefined : new Date(res.expiresAt) };
}

/** Logout and DestroySession: the token stops being what it was, so no cached session may hand it out. */
async function endToken(deps: ServiceDeps, rpc: Rpc, route: Route, context: GatewayContext): Promise<void> {
  const credential = tokenOf(deps, rpc, context);
  deps.userSessions?.dropToken(credential.token);
  await callUpstream(deps, route, credential, context);
}

function tokenOf(deps: ServiceDeps, rpc: Rpc, context: GatewayContext): { kind: 'token'; token: string } {
  return { kind: 'token', token: callerTokenFor(rpc, context, deps.upstream) };
}
