import { notOffered } from '../../errors/offered';
import { count, type UserRead, type UserReads } from '../../mapping/user-reads';
import type { Params } from '../../upstream/form-encoding';
import { connectyCubeFlavour } from './flavour';
import { connectyCubeRoutes as routes } from './routes';
import { v2FilterParams, v2OrderParams } from './user-query';

/** The shortest prefix `full_name[start_with]` takes (docs/connectycube-rest.md §3.6.1). */
const shortestPrefix = 4;

const v2 = (query: Params): UserRead => ({ call: { ...routes.usersV2, query }, answer: 'page' });

/**
 * ConnectyCube's user reads: every lookup is `GET /users/v2` with a
 * stand-alone filter, answered as `{limit, skip, total_entries, items}`
 * (docs/connectycube-rest.md §3.6.3); single lookups take the first item.
 * The integer external id, which v2 cannot filter by, is the documented
 * `GET /users/external/{id}`.
 */
export const connectyCubeUserReads: UserReads = {
  byId: (id) => v2([['id', String(id)]]),
  byIds: (ids) => v2([...ids.map((id): [string, string] => ['id[in][]', id]), ['limit', '100']]),
  among: (field, values) => v2([...values.map((value): [string, string] => [`${field}[in][]`, value]), ['limit', '100']]),
  // Each value is a parameter of its own: any can be listed.
  listable: () => true,
  find(key) {
    switch (key.$case) {
      case 'login':
        return v2([['login', key.value]]);
      case 'email':
        return v2([['email', key.value]]);
      case 'phone':
        return v2([
          ['phone', key.value],
          ['limit', '1'],
        ]);
      case 'facebookId':
        return v2([['facebook_id', key.value]]);
      case 'twitterId':
        return v2([['twitter_id', key.value]]);
      case 'externalId':
        return v2([['external_id', key.value]]);
      case 'externalUserId':
        return { call: routes.userByExternalId(key.value), answer: 'user' };
    }
  },
  list(query, { page, perPage }, v) {
    const paging: Params = [
      ['limit', String(perPage)],
      ['offset', String((page - 1) * perPage)],
    ];
    switch (query?.$case) {
      case undefined:
        return notOffered(connectyCubeFlavour, 'unfiltered_listing', 'query');
      case 'filter': {
        const { filters, order } = query.value;
        return v2([...v2FilterParams(filters, 'filter.filters', v), ...v2OrderParams(order, 'filter.order', v), ...paging]);
      }
      case 'fullName':
        // v2 matches a prefix of at least four characters and answers at most five users.
        if ([...query.value].length < shortestPrefix) {
          v.push({ field: 'full_name', description: `must be at least ${shortestPrefix} characters on ConnectyCube (a prefix search)` });
        }
        return v2([['full_name[start_with]', query.value], ...paging]);
      case 'tags':
        return v2([...query.value.tags.map((tag): [string, string] => ['user_tags[in][]', tag]), ...paging]);
    }
  },
  pageOf(body, asked) {
    const b = body as { limit?: unknown; skip?: unknown; total_entries?: unknown } | undefined;
    const limit = count(b?.limit) || asked.perPage;
    const skip = count(b?.skip) ?? (asked.page - 1) * asked.perPage;
    return { page: Math.floor(skip / limit) + 1, perPage: limit, totalEntries: count(b?.total_entries) ?? 0 };
  },
};
