import type { SessionServiceImplementation } from '../../gen/quickblox/v1/session_service';
import type { Session } from '../../gen/quickblox/v1/session';
import { invalidArgument, unsupported } from '../errors/gateway-errors';
import { rethrowMapped } from '../errors/upstream-error-mapping';
import type { GatewayCallContext } from '../grpc/call-scope';
import { callerIdentity } from '../grpc/caller';
import { credentialParams } from '../mapping/credential-params';
import { sessionFromJson } from '../mapping/session-from-json';
import { userFromJson } from '../mapping/user-from-json';
import type { Params } from '../upstream/form-encoding';
import type { CallScope } from '../upstream/upstream-client';
import type { Violations } from '../validation/field-rules';
import { requireToken, send, type ServiceDeps } from './upstream-call';

/** SessionService over `/session.json` and `/login.json`. */
export function createSessionService(deps: ServiceDeps): SessionServiceImplementation<GatewayCallContext> {
  const { upstream, userSessions } = deps;

  async function createUpstreamSession(params: Params, scope: CallScope): Promise<Session> {
    try {
      const res = await upstream.createSession(params, scope);
      return sessionFromJson(res.body, res.expiresAt);
    } catch (e) {
      rethrowMapped(e, { credential: 'signature' });
    }
  }

  return {
    async createSession(request, context) {
      const subject = request.subject;
      if (subject?.$case === 'guest') throw unsupported('guest', 'guest sessions are offered by ConnectyCube only, not by QuickBlox');
      const v: Violations = [];
      const params = subject ? credentialParams(subject.value, 'user', 'session', v) : [];
      if (v.length) throw invalidArgument(v);
      if (!subject || !userSessions) return { session: await createUpstreamSession(params, context.scope) };
      // Shared by every identical call in flight, so not tied to this caller's cancellation.
      const key = userSessions.key(callerIdentity(context), subject.value);
      return { session: await userSessions.reuse(key, () => createUpstreamSession(params, { upstreamRequests: 0 })) };
    },

    async getSession(_request, context) {
      const token = requireToken(context, 'GetSession');
      const res = await send(deps, { method: 'GET', route: '/session.json', path: '/session.json' }, { kind: 'token', token }, context);
      return { session: sessionFromJson(res.body, res.expiresAt) };
    },

    async login(request, context) {
      const token = requireToken(context, 'Login');
      const v: Violations = [];
      const form = credentialParams(request.credentials, 'credentials', 'login', v);
      if (v.length) throw invalidArgument(v);
      // The token's user changes: a cached session for other credentials must not keep it.
      userSessions?.dropToken(token);
      const res = await send(deps, { method: 'POST', route: '/login.json', path: '/login.json', form }, { kind: 'token', token }, context);
      return { user: userFromJson(res.body), expiresAt: res.expiresAt === undefined ? undefined : new Date(res.expiresAt) };
    },

    async logout(_request, context) {
      const token = requireToken(context, 'Logout');
      userSessions?.dropToken(token);
      await send(deps, { method: 'DELETE', route: '/login.json', path: '/login.json' }, { kind: 'token', token }, context);
      return {};
    },

    async destroySession(_request, context) {
      const token = requireToken(context, 'DestroySession');
      userSessions?.dropToken(token);
      await send(deps, { method: 'DELETE', route: '/session.json', path: '/session.json' }, { kind: 'token', token }, context);
      return {};
    },
  };
}
