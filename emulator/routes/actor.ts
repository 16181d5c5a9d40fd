import { baseError, sessionMissing, tokenRequired, userNotFound } from '../api-error';
import type { SessionRecord } from '../sessions/session-store';
import type { AppState } from '../state';
import type { UserRecord } from '../users/user-record';
import { type Ctx, chargeApp, header } from './context';

/** Who a request acts as. */
export interface Actor {
  app: AppState;
  session?: SessionRecord;
  /** The user acted as: the session's user, or `On-Behalf-Of` with an API key. */
  user?: UserRecord;
  /** True with the server API key: the account owner, who may change any user. */
  owner: boolean;
}

/**
 * Authenticates a request by `Authorization: ApiKey …` (with an optional
 * `On-Behalf-Of: <user id>`, QuickBlox only) or by `QB-Token` (`CB-Token`), in that order.
 */
export function authenticate(ctx: Ctx): Actor {
  // ConnectyCube has no server API key (docs/connectycube-rest.md §1.3).
  const apiKey = ctx.state.flavour === 'quickblox' ? apiKeyOf(ctx) : undefined;
  if (apiKey !== undefined) return byApiKey(ctx, apiKey, header(ctx, 'on-behalf-of'));

  const token = header(ctx, ctx.state.tokenHeader);
  if (!token) throw tokenRequired();
  const session = ctx.state.sessions.find(token, ctx.now, ctx.state.sessionTtlMs);
  if (!session) throw sessionMissing();
  const app = ctx.state.apps.get(session.appId);
  if (!app) throw sessionMissing();
  ctx.session = session;
  ctx.shownExpiry = session.lastActivity + ctx.state.sessionTtlMs(session);
  chargeApp(ctx, app);
  const user = session.userId ? app.users.byId.get(session.userId) : undefined;
  return { app, session, user, owner: false };
}

/** The key of an `Authorization: ApiKey <key>` header, if the request has one. */
export function apiKeyOf(ctx: Ctx): string | undefined {
  return /^ApiKey\s+(\S+)$/i.exec(header(ctx, 'authorization') ?? '')?.[1];
}

/** The account owner's access by server API key, acting as `onBehalfOf` when given. */
export function byApiKey(ctx: Ctx, key: string, onBehalfOf: string | undefined): Actor {
  const app = ctx.state.appByApiKey(key);
  if (!app) throw baseError(401, 'Authorization failed: invalid API key');
  chargeApp(ctx, app);
  if (onBehalfOf === undefined) return { app, owner: true };
  const user = /^\d+$/.test(onBehalfOf) ? app.users.byId.get(Number(onBehalfOf)) : undefined;
  if (!user) throw userNotFound();
  return { app, user, owner: true };
}
