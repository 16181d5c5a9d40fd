import { badTimestamp, baseError, noApplication, tokenRequired, unexpectedSignature } from '../api-error';
import { timestampWindowSeconds } from '../sessions/nonce-store';
import type { SessionRecord } from '../sessions/session-store';
import { signatureMatches } from '../signature';
import { isoSeconds } from '../time-format';
import { userJson } from '../users/user-record';
import { type Actor, authenticate } from './actor';
import { type Ctx, chargeApp, emptyReply, jsonReply, type Reply } from './context';
import { loginCredentials, resolveUser, sessionCredentials } from './credentials';

const intPattern = /^-?\d{1,12}$/;

function sessionObject(s: SessionRecord) {
  return {
    _id: String(s.id),
    application_id: s.appId,
    created_at: isoSeconds(s.createdAt),
    id: s.id,
    nonce: s.nonce,
    token: s.token,
    ts: s.ts,
    updated_at: isoSeconds(s.updatedAt),
    user_id: s.userId,
  };
}

/** Session calls take a session token; the API key is not for them (docs/quickblox-rest.md §4). */
function withSession(ctx: Ctx): Actor & { session: SessionRecord } {
  const actor = authenticate(ctx);
  if (!actor.session) throw tokenRequired();
  return actor as Actor & { session: SessionRecord };
}

/**
 * `POST /session.json`. Checks in the order of docs/quickblox-rest.md §3.2: application,
 * timestamp, signature, nonce, then the user's credentials.
 */
export function createSession(ctx: Ctx): Reply {
  const p = ctx.params;
  const appId = p.get('application_id');
  const app = appId !== undefined && /^\d+$/.test(appId) ? ctx.state.apps.get(Number(appId)) : undefined;
  if (!app || p.get('auth_key') !== app.config.authKey) throw noApplication();
  chargeApp(ctx, app);

  const ts = p.get('timestamp') ?? '';
  const nowSeconds = Math.floor(ctx.now / 1000);
  if (!intPattern.test(ts) || Math.abs(nowSeconds - Number(ts)) > timestampWindowSeconds) throw badTimestamp();
  if (!p.has('signature')) throw baseError(422, 'signature is required');
  if (!signatureMatches(p, app.config.authSecret)) throw unexpectedSignature();
  const nonce = p.get('nonce') ?? '';
  if (!intPattern.test(nonce)) throw baseError(422, 'nonce is required');
  if (!app.nonces.claim(Number(ts), Number(nonce), nowSeconds)) throw baseError(422, 'Nonce has already been used');

  const credentials = sessionCredentials(p);
  const user = credentials ? resolveUser(app, credentials, ctx.now) : undefined;
  const session = ctx.state.sessions.create(app.config.id, user?.id ?? 0, Number(nonce), Number(ts), ctx.now);
  ctx.session = session;
  ctx.shownExpiry = ctx.now + ctx.state.ttlMs(app.config.id);
  return jsonReply(201, { session: sessionObject(session) });
}

/** `GET /session.json`. */
export function getSession(ctx: Ctx): Reply {
  return jsonReply(200, { session: sessionObject(withSession(ctx).session) });
}

/** `DELETE /session.json`: the token stops working at once. */
export function destroySession(ctx: Ctx): Reply {
  const { session } = withSession(ctx);
  ctx.state.sessions.destroy(session);
  ctx.session = undefined;
  return emptyReply();
}

/** `POST /login.json`: upgrade to a user session; the token stays the same. 202, as the live service answers. */
export function login(ctx: Ctx): Reply {
  const { app, session } = withSession(ctx);
  const user = resolveUser(app, loginCredentials(ctx.params), ctx.now);
  session.userId = user.id;
  session.updatedAt = ctx.now;
  return { status: 202, body: userJson(user) };
}

/** `DELETE /login.json`: downgrade to an application session. */
export function logout(ctx: Ctx): Reply {
  const { session } = withSession(ctx);
  if (session.userId !== 0) {
    session.userId = 0;
    session.updatedAt = ctx.now;
  }
  return emptyReply();
}
