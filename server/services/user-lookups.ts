import { Status } from 'nice-grpc-common';
import { ErrorReason } from '../../clients/src/error-reasons';
import type { FindUserRequest, GetUserRequest, GetUsersRequest, GetUsersResponse, User } from '../../gen/index.quickblox.v1';
import { gatewayError } from '../errors/gateway-errors';
import { userFromJson, usersFromPage } from '../mapping/user-from-json';
import type { Params } from '../upstream/form-encoding';
import type { Route, RouteTable } from '../upstream/route';
import * as rules from '../validation/field-rules';
import type { GatewayContext } from './call-context';
import { callUpstream } from './call-upstream';
import { checked } from './checked';
import type { ServiceDeps } from './service-deps';
import { credentialFor, type Rpc } from './token-policy';

/** How FindUser looks a user up by each kind of key: the check of the key and the request it becomes. */
function findLookup(routes: RouteTable, key: NonNullable<FindUserRequest['key']>, v: rules.Violations): Lookup {
  switch (key.$case) {
    case 'login':
      rules.login(v, 'login', key.value);
      return { route: routes.userByLogin, query: [['login', key.value]] };
    case 'email':
      rules.email(v, 'email', key.value);
      return { route: routes.userByEmail, query: [['email', key.value]] };
    case 'phone':
      // A page of the users with this phone (phone numbers need not be unique): the first one, or NOT_FOUND.
      rules.text(v, 'phone', key.value, 1, 32);
      return {
        route: routes.usersByPhone,
        query: [
          ['phone', key.value],
          ['per_page', '1'],
        ],
        firstOfPage: true,
      };
    case 'facebookId':
      rules.text(v, 'facebook_id', key.value, 1, 64);
      return { route: routes.userByFacebookId, query: [['facebook_id', key.value]] };
    case 'twitterId':
      rules.text(v, 'twitter_id', key.value, 1, 64);
      return { route: routes.userByTwitterId, query: [['twitter_id', key.value]] };
    case 'externalUserId':
      rules.positiveId(v, 'external_user_id', key.value);
      return { route: routes.userByExternalId(key.value) };
  }
}

interface Lookup {
  route: Route;
  query?: Params;
  /** The answer is a page of users, not one. */
  firstOfPage?: boolean;
}

export async function getUser(deps: ServiceDeps, request: GetUserRequest, context: GatewayContext): Promise<{ user: User }> {
  checked((v) => rules.positiveId(v, 'id', request.id));
  return { user: await lookUp(deps, 'GetUser', { route: deps.upstream.routes.userById(request.id) }, context) };
}

export async function getUsers(deps: ServiceDeps, request: GetUsersRequest, context: GatewayContext): Promise<GetUsersResponse> {
  checked((v) => {
    if (request.ids.length === 0 || request.ids.length > 100) v.push({ field: 'ids', description: 'must have 1 to 100 ids' });
    request.ids.forEach((id, i) => {
      rules.positiveId(v, `ids[${i}]`, id);
    });
  });
  const unique = [...new Set(request.ids.map(String))];
  const query: Params = [
    ['filter[]', `number id in ${unique.join(',')}`],
    ['per_page', '100'],
  ];
  const res = await callUpstream(deps, { ...deps.upstream.routes.listUsers, query }, credentialFor('GetUsers', context, deps.upstream.hasApiKey), context);
  const byId = new Map(usersFromPage(res.body).map((u) => [u.id, u]));
  return { users: request.ids.flatMap((id) => byId.get(id) ?? []) };
}

export async function findUser(deps: ServiceDeps, request: FindUserRequest, context: GatewayContext): Promise<{ user: User }> {
  const { key } = request;
  if (!key) return checked((v) => rules.oneOf(v, 'key', false)) as never;
  const lookup = checked((v) => findLookup(deps.upstream.routes, key, v));
  return { user: await lookUp(deps, 'FindUser', lookup, context) };
}

async function lookUp(deps: ServiceDeps, rpc: Rpc, lookup: Lookup, context: GatewayContext): Promise<User> {
  const res = await callUpstream(deps, { ...lookup.route, query: lookup.query }, credentialFor(rpc, context, deps.upstream.hasApiKey), context);
  if (!lookup.firstOfPage) return userFromJson(res.body);
  const first = usersFromPage(res.body)[0];
  if (!first) throw gatewayError(Status.NOT_FOUND, 'no user has this phone number', { reason: ErrorReason.USER_NOT_FOUND });
  return first;
}
