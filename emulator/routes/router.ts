import type { Flavour } from '../config';
import { accountSettings } from './account-routes';
import type { Ctx, Reply } from './context';
import { createSession, destroySession, getSession, login, logout } from './session-routes';
import {
  createUser,
  createUserToken,
  deleteUser,
  findUser,
  getExternalUser,
  getUser,
  listUsers,
  resetPassword,
  searchByFullName,
  searchByPhone,
  searchByTags,
  updateUser,
} from './user-routes';
import { usersV2 } from './users-v2-route';

/** A matched route: its template (for counts and logs) and its handler. */
export interface Route {
  route: string;
  handle: (ctx: Ctx) => Reply;
}

const fixed: Record<string, (ctx: Ctx) => Reply> = {
  'POST /session.json': createSession,
  'GET /session.json': getSession,
  'DELETE /session.json': destroySession,
  'POST /login.json': login,
  'DELETE /login.json': logout,
  'POST /users.json': createUser,
  'GET /users.json': listUsers,
  'GET /users/by_login.json': (ctx) => findUser(ctx, 'login'),
  'GET /users/by_email.json': (ctx) => findUser(ctx, 'email'),
  'GET /users/by_facebook_id.json': (ctx) => findUser(ctx, 'facebook_id'),
  'GET /users/by_twitter_id.json': (ctx) => findUser(ctx, 'twitter_id'),
  'GET /users/by_full_name.json': searchByFullName,
  'GET /users/by_tags.json': searchByTags,
  'GET /users/phone.json': searchByPhone,
  'GET /users/password/reset.json': resetPassword,
  'GET /account_settings.json': accountSettings,
};

const externalUser = /^\/users\/external\/([^/]+)\.json$/;
const userById = /^\/users\/([^/]+)\.json$/;
// Documented without `.json` (docs/quickblox-rest.md §1.1); both forms are accepted.
const userTokens = /^\/users\/([^/]+)\/tokens(?:\.json)?$/;

/** ConnectyCube's own routes (docs/connectycube-rest.md §3.5, §3.6.1). */
const connectyCubeOnly: Record<string, (ctx: Ctx) => Reply> = {
  'GET /users/v2': usersV2,
  // The JS SDK 6.1.2 resets passwords by POST with a JSON body; the docs say GET.
  'POST /users/password/reset': resetPassword,
};

/** QuickBlox's routes ConnectyCube does not have: account settings and the token endpoint. */
const quickbloxOnly = /^\/(account_settings|users\/[^/]+\/tokens)$/;

/** Finds the route of an API request; undefined for a path the API does not have. */
export function findRoute(method: string, path: string, flavour: Flavour = 'quickblox'): Route | undefined {
  return flavour === 'connectycube' ? findConnectyCubeRoute(method, path) : findQuickbloxRoute(method, path);
}

/**
 * ConnectyCube's paths: QuickBlox's without the `.json` suffix, which is
 * accepted too (docs/connectycube-rest.md §1.1), plus `/users/v2`; templates
 * are named without the suffix.
 */
function findConnectyCubeRoute(method: string, path: string): Route | undefined {
  const bare = path.endsWith('.json') ? path.slice(0, -5) : path;
  const own = connectyCubeOnly[`${method} ${bare}`];
  if (own) return { route: `${method} ${bare}`, handle: own };
  if (quickbloxOnly.test(bare)) return undefined;
  const route = findQuickbloxRoute(method, `${bare}.json`);
  return route && { route: route.route.replace(/\.json$/, ''), handle: route.handle };
}

function findQuickbloxRoute(method: string, path: string): Route | undefined {
  const key = `${method} ${path}`;
  const handle = fixed[key];
  if (handle) return { route: key, handle };

  let m = externalUser.exec(path);
  if (m) {
    const id = decodeURIComponent(m[1] ?? '');
    const route = `${method} /users/external/{id}.json`;
    if (method === 'GET') return { route, handle: (ctx) => getExternalUser(ctx, id) };
    if (method === 'DELETE') return { route, handle: (ctx) => deleteUser(ctx, id, 'external_user_id') };
    return undefined;
  }
  m = userTokens.exec(path);
  if (m && method === 'POST') {
    const id = decodeURIComponent(m[1] ?? '');
    return { route: 'POST /users/{id}/tokens', handle: (ctx) => createUserToken(ctx, id) };
  }
  m = userById.exec(path);
  if (m) {
    const id = decodeURIComponent(m[1] ?? '');
    const route = `${method} /users/{id}.json`;
    if (method === 'GET') return { route, handle: (ctx) => getUser(ctx, id) };
    if (method === 'PUT') return { route, handle: (ctx) => updateUser(ctx, id) };
    if (method === 'DELETE') return { route, handle: (ctx) => deleteUser(ctx, id, 'id') };
  }
  return undefined;
}
