import type { Route, RouteTable } from '../../upstream/route';
import { byId, fixed } from '../../upstream/route-builders';

export interface ConnectyCubeRouteTable extends RouteTable {
  /** `GET /users/v2`: every lookup, with filter operators and offset/limit (docs/connectycube-rest.md §3.6.1). */
  usersV2: Route;
}

/**
 * ConnectyCube's routes, without the `.json` suffix: the documented form
 * (docs/connectycube-rest.md §1.1; the official JS SDK appends `.json`, which the
 * service also accepts). Lookups go through `/users/v2`: the v1 ones
 * (`/users`, `by_*`) are deprecated, and v1 listing is off by default; only
 * `users/external/{id}`, for the integer external id v2 cannot filter by, is used.
 */
export const connectyCubeRoutes: ConnectyCubeRouteTable = {
  createSession: fixed('POST', '/session', 'session'),
  getSession: fixed('GET', '/session', 'session'),
  destroySession: fixed('DELETE', '/session', 'session'),
  login: fixed('POST', '/login', 'session'),
  logout: fixed('DELETE', '/login', 'session'),
  createUser: fixed('POST', '/users', 'user'),
  userByExternalId: byId('GET', '/users/external/{id}'),
  updateUser: byId('PUT', '/users/{id}'),
  deleteUser: byId('DELETE', '/users/{id}'),
  deleteUserByExternalId: byId('DELETE', '/users/external/{id}'),
  resetPassword: fixed('GET', '/users/password/reset', 'user'),
  usersV2: fixed('GET', '/users/v2', 'user'),
};
