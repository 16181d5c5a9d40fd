import { Status } from 'nice-grpc-common';
import type { User, UserFields } from '../../gen/quickblox/v1/user';
import type { ListUsersRequest, UserServiceImplementation } from '../../gen/quickblox/v1/user_service';
import { gatewayError, invalidArgument, unsupported } from '../errors/gateway-errors';
import type { GatewayCallContext, GatewayContext } from '../grpc/call-scope';
import { connectyCubeOnlyFields, isWritableUserField, setUserFields, userFieldPaths, userParams } from '../mapping/user-params';
import { userFromJson, usersFromPage } from '../mapping/user-from-json';
import { filterParams, orderParams } from '../mapping/user-query';
import type { Params } from '../upstream/form-encoding';
import * as rules from '../validation/field-rules';
import { readCredential, send, sendUnlessNotFound, writeCredential, type ServiceDeps } from './upstream-call';

const emptyFields: UserFields = { tags: [] };

/** UserService over the `/users` endpoints. */
export function createUserService(deps: ServiceDeps): UserServiceImplementation<GatewayCallContext> {
  function checked(v: rules.Violations): void {
    if (v.length) throw invalidArgument(v);
  }

  async function oneUser(context: GatewayContext, route: string, path: string, query?: Params): Promise<{ user: User }> {
    const res = await send(deps, { method: 'GET', route, path, query }, readCredential(context), context);
    return { user: userFromJson(res.body) };
  }

  return {
    async createUser(request, context) {
      const user = request.user ?? emptyFields;
      rejectConnectyCubeOnly(setUserFields(user));
      const v: rules.Violations = [];
      if (user.login === undefined && user.email === undefined) v.push({ field: 'user', description: 'needs a login or an email' });
      const params = userParams(user, setUserFields(user), v);
      rules.newPassword(v, 'password', request.password);
      checked(v);
      const form = [...params, ['user[password]', request.password] as const];
      const res = await send(deps, { method: 'POST', route: '/users.json', path: '/users.json', form }, readCredential(context), context, userFieldPaths);
      return { user: userFromJson(res.body) };
    },

    async getUser(request, context) {
      const v: rules.Violations = [];
      rules.positiveId(v, 'id', request.id);
      checked(v);
      return oneUser(context, '/users/{id}.json', `/users/${request.id}.json`);
    },

    async getUsers(request, context) {
      const v: rules.Violations = [];
      if (request.ids.length === 0 || request.ids.length > 100) v.push({ field: 'ids', description: 'must have 1 to 100 ids' });
      request.ids.forEach((id, i) => rules.positiveId(v, `ids[${i}]`, id));
      checked(v);
      const unique = [...new Set(request.ids.map(String))];
      const query: Params = [
        ['filter[]', `number id in ${unique.join(',')}`],
        ['per_page', '100'],
      ];
      const res = await send(deps, { method: 'GET', route: '/users.json', path: '/users.json', query }, readCredential(context), context);
      const byId = new Map(usersFromPage(res.body).map((u) => [u.id, u]));
      return { users: request.ids.flatMap((id) => byId.get(id) ?? []) };
    },

    async findUser(request, context) {
      const key = request.key;
      const v: rules.Violations = [];
      if (!key) {
        rules.oneOf(v, 'key', false);
        checked(v);
      }
      switch (key!.$case) {
        case 'login':
          rules.login(v, 'login', key!.value);
          checked(v);
          return oneUser(context, '/users/by_login.json', '/users/by_login.json', [['login', key!.value]]);
        case 'email':
          rules.email(v, 'email', key!.value);
          checked(v);
          return oneUser(context, '/users/by_email.json', '/users/by_email.json', [['email', key!.value]]);
        case 'phone': {
          rules.text(v, 'phone', key!.value, 1, 32);
          checked(v);
          // A page of the users with this phone (phone numbers need not be unique): the first one, or NOT_FOUND.
          const res = await send(
            deps,
            { method: 'GET', route: '/users/phone.json', path: '/users/phone.json', query: [['phone', key!.value], ['per_page', '1']] },
            readCredential(context),
            context,
          );
          const first = usersFromPage(res.body)[0];
          if (!first) throw gatewayError(Status.NOT_FOUND, 'no user has this phone number', { reason: 'USER_NOT_FOUND' });
          return { user: first };
        }
        case 'facebookId':
          rules.text(v, 'facebook_id', key!.value, 1, 64);
          checked(v);
          return oneUser(context, '/users/by_facebook_id.json', '/users/by_facebook_id.json', [['facebook_id', key!.value]]);
        case 'twitterId':
          rules.text(v, 'twitter_id', key!.value, 1, 64);
          checked(v);
          return oneUser(context, '/users/by_twitter_id.json', '/users/by_twitter_id.json', [['twitter_id', key!.value]]);
        case 'externalUserId':
          rules.positiveId(v, 'external_user_id', key!.value);
          checked(v);
          return oneUser(context, '/users/external/{id}.json', `/users/external/${key!.value}.json`);
      }
    },

    async listUsers(request, context) {
      const v: rules.Violations = [];
      const page = request.page ?? 1;
      const perPage = request.perPage ?? 10;
      if (page < 1 || page > 1_000_000) v.push({ field: 'page', description: 'must be 1 to 1000000' });
      if (perPage < 1 || perPage > 100) v.push({ field: 'per_page', description: 'must be 1 to 100' });
      const { route, query, emptyOnNotFound } = listQuery(request, v);
      checked(v);
      const paging: Params = [
        ['page', String(page)],
        ['per_page', String(perPage)],
      ];
      const call = { method: 'GET' as const, route, path: route, query: [...query, ...paging] };
      // by_full_name and by_tags answer 404 when nothing matches (reference §5.5): that is an empty page.
      const res = emptyOnNotFound
        ? await sendUnlessNotFound(deps, call, readCredential(context), context)
        : await send(deps, call, readCredential(context), context);
      if (!res) return { users: [], page, perPage, totalEntries: 0 };
      const body = res.body as { current_page?: unknown; per_page?: unknown; total_entries?: unknown } | undefined;
      return {
        users: usersFromPage(res.body),
        page: count(body?.current_page) ?? page,
        perPage: count(body?.per_page) ?? perPage,
        totalEntries: count(body?.total_entries) ?? 0,
      };
    },

    async updateUser(request, context) {
      const v: rules.Violations = [];
      rules.positiveId(v, 'id', request.id);
      const user = request.user ?? emptyFields;
      const mask = request.updateMask ?? [];
      for (const path of mask) {
        if (!isWritableUserField(path) && !(connectyCubeOnlyFields as readonly string[]).includes(path)) {
          v.push({ field: 'update_mask', description: `"${path}" is not a field of UserFields` });
        }
      }
      const names = mask.length ? mask : setUserFields(user);
      rejectConnectyCubeOnly(names);
      const params: (readonly [string, string])[] = [...userParams(user, names, v)];
      const credential = writeCredential(deps, context, 'UpdateUser');
      if (request.password !== undefined) {
        rules.newPassword(v, 'password', request.password);
        params.push(['user[password]', request.password]);
        if (request.oldPassword !== undefined) params.push(['user[old_password]', request.oldPassword]);
        else if (credential.kind === 'token') v.push({ field: 'old_password', description: 'is required with password when acting with the user\'s own token' });
      } else if (request.oldPassword !== undefined) {
        v.push({ field: 'password', description: 'is required with old_password' });
      }
      if (params.length === 0 && v.length === 0) v.push({ field: 'update_mask', description: 'names no field to change, and no field of user is set' });
      checked(v);
      const res = await send(
        deps,
        { method: 'PUT', route: '/users/{id}.json', path: `/users/${request.id}.json`, form: params },
        credential,
        context,
        userFieldPaths,
      );
      return { user: userFromJson(res.body) };
    },

    async deleteUser(request, context) {
      const target = request.target;
      const v: rules.Violations = [];
      if (!target) rules.oneOf(v, 'target', false);
      else rules.positiveId(v, target.$case === 'id' ? 'id' : 'external_user_id', target.value);
      checked(v);
      const call =
        target!.$case === 'id'
          ? { method: 'DELETE' as const, route: '/users/{id}.json', path: `/users/${target!.value}.json` }
          : { method: 'DELETE' as const, route: '/users/external/{id}.json', path: `/users/external/${target!.value}.json` };
      await send(deps, call, writeCredential(deps, context, 'DeleteUser'), context);
      return {};
    },

    async resetPassword(request, context) {
      const v: rules.Violations = [];
      rules.email(v, 'email', request.email);
      checked(v);
      await send(
        deps,
        { method: 'GET', route: '/users/password/reset.json', path: '/users/password/reset.json', query: [['email', request.email]] },
        readCredential(context),
        context,
      );
      return {};
    },

    async createUserToken(request, context) {
      if (!deps.upstream.hasApiKey) {
        throw gatewayError(Status.FAILED_PRECONDITION, 'CreateUserToken needs an API key configured on the gateway (QB_API_KEY)', { reason: 'API_KEY_REQUIRED' });
      }
      const v: rules.Violations = [];
      rules.positiveId(v, 'user_id', request.userId);
      checked(v);
      const res = await send(
        deps,
        { method: 'POST', route: '/users/{id}/tokens', path: `/users/${request.userId}/tokens` },
        { kind: 'apiKey' },
        context,
      );
      const body = res.body as { token?: unknown; expires_at?: unknown } | undefined;
      const expiresAt = typeof body?.expires_at === 'string' ? Date.parse(body.expires_at) : NaN;
      return {
        token: typeof body?.token === 'string' ? body.token : '',
        // The upstream states the expiry on its own clock.
        expiresAt: Number.isNaN(expiresAt) ? undefined : new Date(expiresAt - deps.upstream.clock.offsetMs()),
      };
    },
  };
}

function listQuery(request: ListUsersRequest, v: rules.Violations): { route: string; query: Params; emptyOnNotFound: boolean } {
  const q = request.query;
  switch (q?.$case) {
    case undefined:
      return { route: '/users.json', query: [], emptyOnNotFound: false };
    case 'filter':
      return {
        route: '/users.json',
        query: [...filterParams(q.value.filters, 'filter.filters', v), ...orderParams(q.value.order, 'filter.order', v)],
        emptyOnNotFound: false,
      };
    case 'fullName':
      rules.text(v, 'full_name', q.value, 1, 255);
      return { route: '/users/by_full_name.json', query: [['full_name', q.value]], emptyOnNotFound: true };
    case 'tags': {
      const tags = q.value.tags;
      if (tags.length < 1 || tags.length > 5) v.push({ field: 'tags.tags', description: 'must have 1 to 5 tags' });
      tags.forEach((tag, i) => {
        rules.text(v, `tags.tags[${i}]`, tag, 1, 64);
        if (tag.includes(',')) v.push({ field: `tags.tags[${i}]`, description: 'must not contain commas' });
      });
      return { route: '/users/by_tags.json', query: [['tags', tags.join(',')]], emptyOnNotFound: true };
    }
  }
}

function rejectConnectyCubeOnly(names: readonly string[]): void {
  const name = names.find((n) => (connectyCubeOnlyFields as readonly string[]).includes(n));
  if (name) throw unsupported(`user.${name}`, 'this field is stored by ConnectyCube only, not by QuickBlox');
}

function count(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}
