import type { Id, Route, RouteTable } from '../../upstream/route';
import { byId, fixed } from '../../upstream/route-builders';

export interface QuickbloxRouteTable extends RouteTable {
  listUsers: Route;
  usersByFullName: Route;
  usersByTags: Route;
  usersByPhone: Route;
  userByLogin: Route;
  userByEmail: Route;
  userByFacebookId: Route;
  userByTwitterId: Route;
  userById(id: Id): Route;
  createUserToken(userId: Id): Route;
}

/** QuickBlox's routes (docs/quickblox-rest.md §5.3). */
export const quickbloxRoutes: QuickbloxRouteTable = {
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
