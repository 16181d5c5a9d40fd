import { baseError, fieldErrors, notOwner, needUser as quickbloxNeedUser, tokenRequired, userNotFound } from '../api-error';
import { isoSeconds } from '../time-format';
import { parseUserInput } from '../users/user-input';
import { type Predicate, pageOf, parseFilter, parseOrder, readPage } from '../users/user-query';
import { type UserRecord, userJson } from '../users/user-record';
import { type Actor, apiKeyOf, authenticate, byApiKey } from './actor';
import { type Ctx, chargeApp, emptyReply, header, jsonReply, type Reply } from './context';
import { listingForbidden } from './listing-forbidden';

const ok = (user: UserRecord, status = 200): Reply => ({ status, body: userJson(user) });

/** The page of `users` that the request's `page` and `per_page` ask for. */
const pageReply = (ctx: Ctx, users: UserRecord[]): Reply => ({
  status: 200,
  body: pageOf(users, readPage(ctx.params.get('page'), ctx.params.get('per_page')), userJson),
});

function userInput(ctx: Ctx, actor: Actor) {
  const tagArray = ctx.params.getAll('user[tag_list][]');
  return parseUserInput(ctx.params.group('user'), (id) => actor.app.blobIds.has(id), tagArray.length ? tagArray : undefined);
}

/** "Forbidden. Need user.": 422 on QuickBlox, 403 on ConnectyCube (README, choice 2). */
const needUser = (ctx: Ctx) => (ctx.state.flavour === 'connectycube' ? baseError(403, 'Forbidden. Need user.') : quickbloxNeedUser());

/** ConnectyCube signs up without a session: `CB-AuthKey: <auth key>` instead of a token (docs/connectycube-rest.md §3.2). */
function signUpActor(ctx: Ctx): Actor {
  const key = ctx.state.flavour === 'connectycube' && !header(ctx, 'cb-token') ? header(ctx, 'cb-authkey') : undefined;
  if (key === undefined) return authenticate(ctx);
  const app = [...ctx.state.apps.values()].find((a) => a.config.authKey === key);
  if (!app) throw tokenRequired();
  chargeApp(ctx, app);
  return { app, owner: false };
}

/** `POST /users.json`: sign-up, allowed to application sessions unless the app forbids it. */
export function createUser(ctx: Ctx): Reply {
  const actor = signUpActor(ctx);
  if (!actor.owner && !actor.user && actor.session && !actor.app.settings.signUpWithApplicationSession) throw needUser(ctx);
  const patch = userInput(ctx, actor);
  if (!patch.login && !patch.email) throw baseError(422, 'login or email required');
  if (patch.password === undefined) throw fieldErrors(422, { password: ["can't be blank"] });
  delete patch.old_password;
  return ok(actor.app.users.create(patch, ctx.now), 201);
}

/** `GET /users/{id}.json`. */
export function getUser(ctx: Ctx, id: string): Reply {
  const { app } = authenticate(ctx);
  const user = /^\d+$/.test(id) ? app.users.byId.get(Number(id)) : undefined;
  if (!user) throw userNotFound();
  return ok(user);
}

/** `GET /users.json`: every user of the app, filtered (repeated `filter[]`, ANDed), ordered and paged. */
export function listUsers(ctx: Ctx): Reply {
  const actor = authenticate(ctx);
  if (!actor.owner && ctx.state.flavour === 'connectycube' && !actor.app.settings.listUsersV1) throw baseError(403, 'Forbidden');
  if (!actor.owner && !actor.app.settings.listUsers) throw listingForbidden(ctx, actor.app);
  const filters = ctx.params.getAll('filter[]').map(parseFilter);
  const order = parseOrder(ctx.params.get('order'));
  const matches = [...actor.app.users.byId.values()].filter((u) => filters.every((f) => f(u))).sort(order);
  return pageReply(ctx, matches);
}

/** `GET /users/by_login.json` and its siblings: one user by a unique key. */
export function findUser(ctx: Ctx, key: 'login' | 'email' | 'facebook_id' | 'twitter_id'): Reply {
  const { app } = authenticate(ctx);
  const value = ctx.params.get(key);
  const user = value === undefined ? undefined : app.users.find(key, value);
  if (!user) throw userNotFound();
  return ok(user);
}

/** `GET /users/external/{id}.json`. */
export function getExternalUser(ctx: Ctx, externalId: string): Reply {
  const { app } = authenticate(ctx);
  const user = app.users.find('external_user_id', externalId);
  if (!user) throw userNotFound();
  return ok(user);
}

/**
 * A paged search. `by_full_name` and `by_tags` answer 404 when nothing
 * matches, as the live service did (docs/quickblox-rest.md §5.5), unlike `/users.json`
 * and `/users/phone.json`, which answer an empty page.
 */
function search(ctx: Ctx, match: Predicate, notFoundWhenEmpty: boolean): Reply {
  const { app } = authenticate(ctx);
  const matches = [...app.users.byId.values()].filter(match).sort((a, b) => a.id - b.id);
  if (notFoundWhenEmpty && matches.length === 0) throw userNotFound();
  return pageReply(ctx, matches);
}

/** `GET /users/by_full_name.json`: case-insensitive substring. */
export function searchByFullName(ctx: Ctx): Reply {
  const text = (ctx.params.get('full_name') ?? '').trim().toLowerCase();
  return search(ctx, (u) => text !== '' && u.full_name !== null && u.full_name.toLowerCase().includes(text), true);
}

/** `GET /users/by_tags.json`: users with any of the tags (`tags=a,b` or `tags[]=a&tags[]=b`). */
export function searchByTags(ctx: Ctx): Reply {
  const wanted = new Set(
    [...ctx.params.getAll('tags'), ...ctx.params.getAll('tags[]')]
      .flatMap((t) => t.split(','))
      .map((t) => t.trim())
      .filter((t) => t !== ''),
  );
  return search(ctx, (u) => u.user_tags?.split(',').some((t) => wanted.has(t)) === true, true);
}

/** `GET /users/phone.json`: users with exactly this phone, as a page. */
export function searchByPhone(ctx: Ctx): Reply {
  const phone = ctx.params.get('phone');
  return search(ctx, (u) => phone !== undefined && u.phone === phone, false);
}

/**
 * The rights of docs/quickblox-rest.md §5.6 for changing a user: an application session
 * may not (422 "Forbidden. Need user."), a user session only itself (403),
 * the API key anyone (or, with `On-Behalf-Of`, as that user).
 */
function mayChange(ctx: Ctx, actor: Actor, target: UserRecord): void {
  if (actor.owner && !actor.user) return;
  if (!actor.user) throw needUser(ctx);
  if (actor.user.id !== target.id) throw notOwner();
}

function target(actor: Actor, id: string, key: 'id' | 'external_user_id'): UserRecord {
  const user = !/^\d+$/.test(id) ? undefined : key === 'id' ? actor.app.users.byId.get(Number(id)) : actor.app.users.find('external_user_id', id);
  if (!user) throw userNotFound();
  return user;
}

/** `PUT /users/{id}.json`: partial update; a new password needs the old one unless the owner sets it. */
export function updateUser(ctx: Ctx, id: string): Reply {
  const actor = authenticate(ctx);
  if (!actor.owner && !actor.user) throw needUser(ctx);
  const user = target(actor, id, 'id');
  mayChange(ctx, actor, user);
  const patch = userInput(ctx, actor);
  if (patch.password !== undefined && !(actor.owner && !actor.user)) {
    if (patch.old_password === undefined || patch.old_password === '') {
      throw fieldErrors(422, { old_password: ["can't be blank"] });
    }
    if (!actor.app.users.passwordMatches(user, patch.old_password)) throw fieldErrors(422, { old_password: ['is invalid'] });
  }
  actor.app.users.update(user, patch, ctx.now);
  return ok(user);
}

/** `DELETE /users/{id}.json` and `/users/external/{id}.json`; the user's sessions end with it. */
export function deleteUser(ctx: Ctx, id: string, key: 'id' | 'external_user_id'): Reply {
  const actor = authenticate(ctx);
  if (!actor.owner && !actor.user) throw needUser(ctx);
  const user = target(actor, id, key);
  mayChange(ctx, actor, user);
  actor.app.users.delete(user);
  ctx.state.sessions.destroyForUser(actor.app.config.id, user.id);
  if (ctx.session?.userId === user.id) ctx.session = undefined;
  return emptyReply();
}

/** `GET /users/password/reset.json`: "sends" the email (see the admin outbox); 404 for an unknown address. */
export function resetPassword(ctx: Ctx): Reply {
  const { app } = authenticate(ctx);
  const email = ctx.params.get('email');
  const user = email === undefined ? undefined : app.users.find('email', email);
  if (!user?.email) throw userNotFound();
  ctx.state.outbox.push({ at: ctx.now, appId: app.config.id, email: user.email });
  return emptyReply();
}

/** `POST /users/{id}/tokens`: a user session minted with the API key; any QB-Token is ignored (docs/quickblox-rest.md §4.1). */
export function createUserToken(ctx: Ctx, id: string): Reply {
  const key = apiKeyOf(ctx);
  if (key === undefined) throw baseError(401, 'Authorization failed: ApiKey required');
  const { app } = byApiKey(ctx, key, undefined);
  const user = /^\d+$/.test(id) ? app.users.byId.get(Number(id)) : undefined;
  if (!user) throw baseError(404, 'User not found');
  const session = ctx.state.sessions.create(app.config.id, user.id, 0, Math.floor(ctx.now / 1000), ctx.now);
  return jsonReply(201, { token: session.token, expires_at: isoSeconds(ctx.now + ctx.state.ttlMs(app.config.id)) });
}
