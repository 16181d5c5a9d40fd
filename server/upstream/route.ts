import type { Params } from './form-encoding';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** One REST endpoint as a request names it: built by the route table, read by metrics, logs, traces and errors. */
export interface Route {
  method: HttpMethod;
  /** The route template (`/users/{id}.json`): the only form logs, metric labels and span names see. */
  route: string;
  /** The concrete path, without query. */
  path: string;
  /** What the path names, so a 404 can say what was not found. */
  resource: 'session' | 'user';
}

/** One REST request, before authentication. */
export interface UpstreamCall extends Route {
  query?: Params;
  form?: Params;
}

/** An id in a path. */
export type Id = bigint | number | string;

/**
 * Every REST endpoint the gateway calls, by what it does. Services take their
 * routes from here, so the template that metrics, logs and traces show is
 * always the one the path was built from.
 */
export interface RouteTable {
  createSession: Route;
  getSession: Route;
  destroySession: Route;
  login: Route;
  logout: Route;
  createUser: Route;
  listUsers: Route;
  usersByFullName: Route;
  usersByTags: Route;
  usersByPhone: Route;
  userByLogin: Route;
  userByEmail: Route;
  userByFacebookId: Route;
  userByTwitterId: Route;
  userById(id: Id): Route;
  userByExternalId(id: Id): Route;
  updateUser(id: Id): Route;
  deleteUser(id: Id): Route;
  deleteUserByExternalId(id: Id): Route;
  resetPassword: Route;
  createUserToken(userId: Id): Route;
}
