import type { ListUsersRequest, ListUsersResponse } from '../../gen/index.quickblox.v1';
import { usersFromPage } from '../mapping/user-from-json';
import { filterParams, orderParams } from '../mapping/user-query';
import type { Params } from '../upstream/form-encoding';
import type { Route, RouteTable } from '../upstream/route';
import * as rules from '../validation/field-rules';
import type { GatewayContext } from './call-context';
import { callUpstream } from './call-upstream';
import { checked } from './checked';
import type { ServiceDeps } from './service-deps';
import { credentialFor } from './token-policy';

interface ListQuery {
  route: Route;
  query: Params;
  /** by_full_name and by_tags answer 404 when nothing matches (docs/quickblox-rest.md §5.5): that is an empty page. */
  emptyOnNotFound: boolean;
}

export async function listUsers(deps: ServiceDeps, request: ListUsersRequest, context: GatewayContext): Promise<ListUsersResponse> {
  const page = request.page ?? 1;
  const perPage = request.perPage ?? 10;
  const { route, query, emptyOnNotFound } = checked((v) => {
    if (page < 1 || page > 1_000_000) v.push({ field: 'page', description: 'must be 1 to 1000000' });
    if (perPage < 1 || perPage > 100) v.push({ field: 'per_page', description: 'must be 1 to 100' });
    return listQuery(deps.upstream.routes, request, v);
  });
  const call = { ...route, query: [...query, ['page', String(page)], ['per_page', String(perPage)]] as Params };
  const res = await callUpstream(deps, call, credentialFor('ListUsers', context, deps.upstream.hasApiKey), context, { notFoundIsEmpty: emptyOnNotFound });
  if (!res) return { users: [], page, perPage, totalEntries: 0 };
  const body = res.body as { current_page?: unknown; per_page?: unknown; total_entries?: unknown } | undefined;
  return {
    users: usersFromPage(res.body),
    page: count(body?.current_page) ?? page,
    perPage: count(body?.per_page) ?? perPage,
    totalEntries: count(body?.total_entries) ?? 0,
  };
}

function listQuery(routes: RouteTable, request: ListUsersRequest, v: rules.Violations): ListQuery {
  const q = request.query;
  switch (q?.$case) {
    case undefined:
      return { route: routes.listUsers, query: [], emptyOnNotFound: false };
    case 'filter':
      return {
        route: routes.listUsers,
        query: [...filterParams(q.value.filters, 'filter.filters', v), ...orderParams(q.value.order, 'filter.order', v)],
        emptyOnNotFound: false,
      };
    case 'fullName':
      rules.text(v, 'full_name', q.value, 1, 255);
      return { route: routes.usersByFullName, query: [['full_name', q.value]], emptyOnNotFound: true };
    case 'tags': {
      const tags = q.value.tags;
      if (tags.length < 1 || tags.length > 5) v.push({ field: 'tags.tags', description: 'must have 1 to 5 tags' });
      tags.forEach((tag, i) => {
        rules.text(v, `tags.tags[${i}]`, tag, 1, 64);
        if (tag.includes(',')) v.push({ field: `tags.tags[${i}]`, description: 'must not contain commas' });
      });
      return { route: routes.usersByTags, query: [['tags', tags.join(',')]], emptyOnNotFound: true };
    }
  }
}

function count(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}
