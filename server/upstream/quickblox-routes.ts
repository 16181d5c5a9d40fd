import type { HttpMethod, Id, Route, RouteTable } from './route';

/** A route with no parameter in its path: one object, built once. */
function fixed(method: HttpMethod, route: string, resource: Route['resource']): Route {
  return Object.freeze({ method, route, path: route, resource });
}

/** A route with one `{id}` in its path. */
function byId(method: HttpMethod, route: string): (id: Id) => Route {
  const [before, after] = route.split('{id}') as [string, string];
  return (id) => ({ method, route, path: `${before}${id}${after}`, resource: 'user' });
}

/** QuickBlox's routes (docs/quickblox-rest.md §5.3). */
export const quickbloxRoutes: RouteTable = {
  createSession: fixed('POST', '/session.json', 'session'),
  getSession: fixed('GET', '/session.json', 'session'),
  destroySession: fixed('DELETE', '/session.json', 'session'),
  login: fixed('POST', '/login.json', 'session'),
  logout: fixed('DELETE', '/login.json', 'session'),
  createUser: fixed('POST', '/users.json', 'user'),
  listUsers: fixed('GET', '/users.json', 'user'),
  usersByFullName: fixed('GET', '/users/by_full_name.json', 'user'),
  usersByTags: fixed('GET', '/users/by_tags.json', 'user'),
  usersByPhone: fixed('GET', '/users/phone.json', 'user'),
  userByLogin: fixed('GET', '/users/by_login.json', 'user'),
  userByEmail: fixed('GET', '/users/by_email.json', 'user'),
  userByFacebookId: fixed('GET', '/users/by_facebook_id.json', 'user'),
  userByTwitterId: fixed('GET', '/users/by_twitter_id.json', 'user'),
  userById: byId('GET', '/users/{id}.json'),
  userByExternalId: byId('GET', '/users/external/{id}.json'),
  updateUser: byId('PUT', '/users/{id}.json'),
  deleteUser: byId('DELETE', '/users/{id}.json'),
  deleteUserByExternalId: byId('DELETE', '/users/external/{id}.json'),
  resetPassword: fixed('GET', '/users/password/reset.json', 'user'),
  createUserToken: byId('POST', '/users/{id}/tokens'),
};
