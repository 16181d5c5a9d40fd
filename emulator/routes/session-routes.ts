import { badTimestamp, baseError, fieldErrors, listError, noApplication, tokenRequired, unexpectedSignature } from '../api-error';
import { timestampWindowSeconds } from '../sessions/nonce-store';
import type { SessionRecord } from '../sessions/session-store';
import { signatureMatches } from '../signature';
import type { AppState } from '../state';
import { isoSeconds } from '../time-format';
import { userJson, userObject } from '../users/user-record';
import { type Actor, authenticate } from './actor';
import { type Ctx, chargeApp, emptyReply, jsonReply, type Reply } from './context';
import { loginCredentials, resolveUser, sessionCredentials } from './credentials';

const intPattern = /^-?\d{1,12}$/;

/** A guest's session lasts a day (docs/connectycube-rest.md §1.5). */
const guestTtlMs = 24 * 60 * 60_000;

function sessionObject(ctx: Ctx, s: SessionRecord): Record<string, unknown> {
  if (ctx.state.flavour === 'connectycube') {
    // ConnectyCube: no `_id`, `user_id` null for an application session, the user inside a user session (docs/connectycube-rest.md §2.1).
    const user = s.userId ? ctx.state.apps.get(s.appId)?.users.byId.get(s.userId) : undefined;
    return {
      application_id: s.appId,
      created_at: isoSeconds(s.createdAt),
      id: s.id,
      token: s.token,
      ts: s.ts,
      updated_at: isoSeconds(s.updatedAt),
      user_id: s.userId || null,
      ...(user ? { user: userObject(user) } : {}),
    };
  }
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
 * timestamp, signature, nonce, then the user's credentials. ConnectyCube
 * checks the signature only when one is sent, with its own error shapes
 * (docs/connectycube-rest.md §2.1, docs/connectycube-sdk.md §6).
 */
export function createSession(ctx: Ctx): Reply {
  const p = ctx.params;
  const cube = ctx.state.flavour === 'connectycube';
  const appId = p.get('application_id');
  const app = appId !== undefined && /^\d+$/.test(appId) ? ctx.state.apps.get(Number(appId)) : undefined;
  if (!app || p.get('auth_key') !== app.config.authKey) throw cube ? listError(422, 'No Application Found') : noApplication();
  chargeApp(ctx, app);
  const signed = !cube || p.has('signature') ? checkSignature(ctx, app, cube) : { ts: Math.floor(ctx.now / 1000), nonce: 0 };

  const credentials = sessionCredentials(p);
  const user = credentials ? resolveUser(app, credentials, ctx.now, ctx.state.flavour) : undefined;
  const session = ctx.state.sessions.create(app.config.id, user?.id ?? 0, signed.nonce, signed.ts, ctx.now);
  if (user?.is_guest) session.ttlMs = guestTtlMs;
  ctx.session = session;
  ctx.shownExpiry = ctx.now + ctx.state.sessionTtlMs(session);
  return jsonReply(201, { session: sessionObject(ctx, session) });
}

/** The timestamp, signature and nonce of a signed session request. */
function checkSignature(ctx: Ctx, app: AppState, cube: boolean): { ts: number; nonce: number } {
  const p = ctx.params;
  const ts = p.get('timestamp') ?? '';
  const nowSeconds = Math.floor(ctx.now / 1000);
  if (!intPattern.test(ts) || Math.abs(nowSeconds - Number(ts)) > timestampWindowSeconds) {
    throw cube ? fieldErrors(422, { timestamp: ['invalid timestamp'] }) : badTimestamp();
  }
  if (!p.has('signature')) throw baseError(422, 'signature is required');
  if (!signatureMatches(p, app.config.authSecret)) throw cube ? listError(422, 'Unexpected signature') : unexpectedSignature();
  const nonce = p.get('nonce') ?? '';
  if (!intPattern.test(nonce)) throw baseError(422, 'nonce is required');
  if (!app.nonces.claim(Number(ts), Number(nonce), nowSeconds)) throw baseError(422, 'Nonce has already been used');
  return { ts: Number(ts), nonce: Number(nonce) };
}

/** `GET /session.json`. */
export function getSession(ctx: Ctx): Reply {
  return jsonReply(200, { session: sessionObject(ctx, withSession(ctx).session) });
}

/** `DELETE /session.json`: the token stops working at once. */
export function destroySession(ctx: Ctx): Reply {
  const { session } = withSession(ctx);
  ctx.state.sessions.destroy(session);
  ctx.session = undefined;
  return emptyReply();
}

/** `POST /login.json`: upgrade to a user session; the token stays the same. 202, as the live QuickBlox answers; 200 on ConnectyCube. */
export function login(ctx: Ctx): Reply {
  const { app, session } = withSession(ctx);
  const user = resolveUser(app, loginCredentials(ctx.params), ctx.now, ctx.state.flavour);
  session.userId = user.id;
  session.updatedAt = ctx.now;
  return { status: ctx.state.flavour === 'connectycube' ? 200 : 202, body: userJson(user) };
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
