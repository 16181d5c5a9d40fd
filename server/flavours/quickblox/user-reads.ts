import { notOffered } from '../../errors/offered';
import { count, type UserReads } from '../../mapping/user-reads';
import type { Params } from '../../upstream/form-encoding';
import { quickbloxFlavour } from './flavour';
import { quickbloxRoutes as routes } from './routes';
import { filterParams, orderParams } from './user-query';

/** QuickBlox's user reads: one endpoint per lookup, `filter[]` listing, page/per_page (docs/quickblox-rest.md §5). */
export const quickbloxUserReads: UserReads = {
  byId: (id) => ({ call: routes.userById(id), answer: 'user' }),
  byIds: (ids) => ({
    call: {
      ...routes.listUsers,
      query: [
        ['filter[]', `number id in ${ids.join(',')}`],
        ['per_page', '100'],
      ],
    },
    answer: 'page',
  }),
  among: (field, values) => ({
    call: {
      ...routes.listUsers,
      query: [
        ['filter[]', `string ${field} in ${values.join(',')}`],
        ['per_page', '100'],
      ],
    },
    answer: 'page',
  }),
  listable: (value) => !value.includes(',') && value.trim() === value,
  find(key) {
    switch (key.$case) {
      case 'login':
        return { call: { ...routes.userByLogin, query: [['login', key.value]] }, answer: 'user' };
      case 'email':
        return { call: { ...routes.userByEmail, query: [['email', key.value]] }, answer: 'user' };
      case 'phone':
        // Phone numbers need not be unique: a page of one.
        return {
          call: {
            ...routes.usersByPhone,
            query: [
              ['phone', key.value],
              ['per_page', '1'],
            ],
          },
          answer: 'page',
        };
      case 'facebookId':
        return { call: { ...routes.userByFacebookId, query: [['facebook_id', key.value]] }, answer: 'user' };
      case 'twitterId':
        return { call: { ...routes.userByTwitterId, query: [['twitter_id', key.value]] }, answer: 'user' };
      case 'externalUserId':
        return { call: routes.userByExternalId(key.value), answer: 'user' };
      case 'externalId':
        return notOffered(quickbloxFlavour, 'field_external_id', 'external_id');
    }
  },
  list(query, { page, perPage }, v) {
    const paging: Params = [
      ['page', String(page)],
      ['per_page', String(perPage)],
    ];
    switch (query?.$case) {
      case undefined:
        return { call: { ...routes.listUsers, query: paging }, answer: 'page' };
      case 'filter': {
        const { filters, order } = query.value;
        const params = [...filterParams(filters, 'filter.filters', v), ...orderParams(order, 'filter.order', v), ...paging];
        return { call: { ...routes.listUsers, query: params }, answer: 'page' };
      }
      case 'fullName':
        return { call: { ...routes.usersByFullName, query: [['full_name', query.value], ...paging] }, answer: 'page', emptyOnNotFound: true };
      case 'tags':
        return { call: { ...routes.usersByTags, query: [['tags', query.value.tags.join(',')], ...paging] }, answer: 'page', emptyOnNotFound: true };
    }
  },
  pageOf(body, asked) {
    const b = body as { current_page?: unknown; per_page?: unknown; total_entries?: unknown } | undefined;
    return { page: count(b?.current_page) ?? asked.page, perPage: count(b?.per_page) ?? asked.perPage, totalEntries: count(b?.total_entries) ?? 0 };
  },
};
