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
  /**
   * The request as it is finally sent, built when the rate limit lets it go
   * (stages/bind-late.ts), so that what arrives while it waits can still join
   * it (coalesced lookups); called again on a retry, it must give the same.
   */
  late?: () => UpstreamCall;
}

/** An id in a path. */
export type Id = bigint | number | string;

/**
 * The REST endpoints both upstreams share, by what they do. Services take
 * their routes from here (and lookups from their upstream's own table), so
 * the template that metrics, logs and traces show is always the one the path
 * was built from.
 */
export interface RouteTable {
  createSession: Route;
  getSession: Route;
  destroySession: Route;
  login: Route;
  logout: Route;
  createUser: Route;
  userByExternalId(id: Id): Route;
  updateUser(id: Id): Route;
  deleteUser(id: Id): Route;
  deleteUserByExternalId(id: Id): Route;
  resetPassword: Route;
  /** A user token minted with the API key; absent where the upstream mints none (its flavour lacks `user_tokens`). */
  createUserToken?(userId: Id): Route;
}
