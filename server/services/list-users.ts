import type { ListUsersRequest, ListUsersResponse } from '../../gen/index.quickblox.v1';
import { usersFromPage } from '../mapping/user-from-json';
import * as rules from '../validation/field-rules';
import type { GatewayContext } from './call-context';
import { callUpstream } from './call-upstream';
import { checked } from './checked';
import type { ServiceDeps } from './service-deps';
import { credentialFor, whenRefused } from './token-policy';

export async function listUsers(deps: ServiceDeps, request: ListUsersRequest, context: GatewayContext): Promise<ListUsersResponse> {
  const asked = { page: request.page ?? 1, perPage: request.perPage ?? 10 };
  const reads = deps.userReads;
  const read = checked((v) => {
    if (asked.page < 1 || asked.page > 1_000_000) v.push({ field: 'page', description: 'must be 1 to 1000000' });
    if (asked.perPage < 1 || asked.perPage > 100) v.push({ field: 'per_page', description: 'must be 1 to 100' });
    checkQuery(request.query, v);
    return reads.list(request.query, asked, v);
  });
  const res = await callUpstream(deps, read.call, credentialFor('ListUsers', context, deps.upstream), context, {
    whenRefused: whenRefused('ListUsers', context, deps.upstream),
    audit: { caller: context.caller.name, method: 'ListUsers', target: 'list' },
    notFoundIsEmpty: read.emptyOnNotFound === true,
  });
  if (!res) return { users: [], ...asked, totalEntries: 0 };
  return { users: usersFromPage(res.body), ...reads.pageOf(res.body, asked) };
}

/** The contract's checks of a search (filters are checked as each upstream compiles them). */
function checkQuery(query: ListUsersRequest['query'], v: rules.Violations): void {
  if (query?.$case === 'fullName') rules.text(v, 'full_name', query.value, 1, 255);
  if (query?.$case !== 'tags') return;
  const { tags } = query.value;
  if (tags.length < 1 || tags.length > 5) v.push({ field: 'tags.tags', description: 'must have 1 to 5 tags' });
  tags.forEach((tag, i) => {
    rules.text(v, `tags.tags[${i}]`, tag, 1, 64);
    if (tag.includes(',')) v.push({ field: `tags.tags[${i}]`, description: 'must not contain commas' });
  });
}
