import { RichServerError } from 'nice-grpc-error-details';
import { FilterOperator, SortDirection, UserField } from '../../gen/quickblox/v1/user_query';
import { connectyCubeFlavour } from '../../server/flavours/connectycube/flavour';
import { v2FilterParams, v2OrderParams } from '../../server/flavours/connectycube/user-query';
import { connectyCubeUserReads } from '../../server/flavours/connectycube/user-reads';
import { quickbloxFlavour } from '../../server/flavours/quickblox/flavour';
import { paramsToJson } from '../../server/upstream/json-encoding';
import { UpstreamError } from '../../server/upstream/upstream-error';
import type { Violations } from '../../server/validation/field-rules';

describe('JSON bodies from bracket parameters', () => {
  it('nests groups, repeats lists, types the numeric keys and clears with null', () => {
    const json = paramsToJson(
      [
        ['application_id', '21'],
        ['user[login]', 'john'],
        ['user[timezone]', ''],
        ['user[tag_list][]', 'a'],
        ['user[tag_list][]', 'b'],
        ['firebase_email[project_id]', 'p'],
      ],
      new Set(['application_id', 'user[timezone]']),
    );
    expect(JSON.parse(json)).toEqual({
      application_id: 21,
      user: { login: 'john', timezone: null, tag_list: ['a', 'b'] },
      firebase_email: { project_id: 'p' },
    });
  });

  it('keeps prototype keys as plain data', () => {
    expect(paramsToJson([['__proto__[polluted]', 'yes']], new Set())).toBe('{"__proto__":{"polluted":"yes"}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('users/v2 queries', () => {
  const f = (field: UserField, operator: FilterOperator, ...values: string[]) => ({ field, operator, values });
  const compile = (...filters: ReturnType<typeof f>[]) => {
    const v: Violations = [];
    return { params: v2FilterParams(filters, 'filter.filters', v), v };
  };
  const lacking = (run: () => unknown) => {
    try {
      run();
    } catch (e) {
      if (e instanceof RichServerError) return e.extra.find((d) => d.$type === 'google.rpc.ErrorInfo')?.metadata.feature;
      throw e;
    }
    return undefined;
  };

  it('compiles eq, in, comparisons on dates, between and eq on a date as a range', () => {
    const { params, v } = compile(
      f(UserField.USER_FIELD_LOGIN, FilterOperator.FILTER_OPERATOR_EQ, 'john'),
      f(UserField.USER_FIELD_ID, FilterOperator.FILTER_OPERATOR_IN, '1', '2'),
      f(UserField.USER_FIELD_CREATED_AT, FilterOperator.FILTER_OPERATOR_BETWEEN, '2020-01-01T00:00:00Z', '2021-01-01T00:00:00+01:00'),
      f(UserField.USER_FIELD_UPDATED_AT, FilterOperator.FILTER_OPERATOR_EQ, '2022-02-02T02:02:02Z'),
      f(UserField.USER_FIELD_LAST_REQUEST_AT, FilterOperator.FILTER_OPERATOR_GE, '2023-03-03T03:03:03Z'),
    );
    expect(v).toEqual([]);
    expect(params).toEqual([
      ['login', 'john'],
      ['id[in][]', '1'],
      ['id[in][]', '2'],
      ['created_at[gte]', '2020-01-01T00:00:00Z'],
      ['created_at[lte]', '2020-12-31T23:00:00Z'],
      ['updated_at[gte]', '2022-02-02T02:02:02Z'],
      ['updated_at[lte]', '2022-02-02T02:02:02Z'],
      ['last_request_at[gte]', '2023-03-03T03:03:03Z'],
    ]);
  });

  it('answers UNIMPLEMENTED, naming the feature, for what users/v2 cannot say', () => {
    expect(lacking(() => compile(f(UserField.USER_FIELD_LOGIN, FilterOperator.FILTER_OPERATOR_NE, 'x')))).toBe('filter_operator_ne');
    expect(lacking(() => compile(f(UserField.USER_FIELD_WEBSITE, FilterOperator.FILTER_OPERATOR_EQ, 'x')))).toBe('filter_field');
    expect(lacking(() => compile(f(UserField.USER_FIELD_ID, FilterOperator.FILTER_OPERATOR_GT, '1')))).toBe('filter_comparison');
    expect(lacking(() => compile(f(UserField.USER_FIELD_CREATED_AT, FilterOperator.FILTER_OPERATOR_GT, '2020-01-01T00:00:00Z')))).toBe('unfiltered_listing');
    expect(lacking(() => v2OrderParams({ field: UserField.USER_FIELD_WEBSITE, direction: SortDirection.SORT_DIRECTION_ASC }, 'filter.order', []))).toBe(
      'sort_field',
    );
    expect(lacking(() => connectyCubeUserReads.list(undefined, { page: 1, perPage: 10 }, []))).toBe('unfiltered_listing');
  });

  it('names bad values and a condition repeated on one key as INVALID_ARGUMENT violations', () => {
    expect(compile(f(UserField.USER_FIELD_ID, FilterOperator.FILTER_OPERATOR_EQ, 'abc')).v.map((x) => x.field)).toEqual(['filter.filters[0].values[0]']);
    const twice = compile(
      f(UserField.USER_FIELD_LOGIN, FilterOperator.FILTER_OPERATOR_EQ, 'a'),
      f(UserField.USER_FIELD_LOGIN, FilterOperator.FILTER_OPERATOR_EQ, 'b'),
    );
    expect(twice.v).toEqual([{ field: 'filter.filters', description: 'repeat the condition login, which users/v2 takes once' }]);
  });

  it('turns page and per_page into offset and limit, and back', () => {
    const read = connectyCubeUserReads.list({ $case: 'tags', value: { tags: ['a', 'b'] } }, { page: 3, perPage: 20 }, []);
    expect(read.call.query).toEqual([
      ['user_tags[in][]', 'a'],
      ['user_tags[in][]', 'b'],
      ['limit', '20'],
      ['offset', '40'],
    ]);
    expect(connectyCubeUserReads.pageOf({ limit: 20, skip: 40, total_entries: 45 }, { page: 3, perPage: 20 })).toEqual({
      page: 3,
      perPage: 20,
      totalEntries: 45,
    });
    // start_with answers at most five: the page size the upstream used is reported.
    expect(connectyCubeUserReads.pageOf({ limit: 5, skip: 0, total_entries: 2 }, { page: 1, perPage: 10 })).toEqual({ page: 1, perPage: 5, totalEntries: 2 });
  });
});

describe('ConnectyCube error bodies', () => {
  // As the pipeline builds them: with ConnectyCube's wording (its folder under server/flavours/).
  const cube = (route: string, status: number, body: unknown) => new UpstreamError('status', route, status, body, { wording: connectyCubeFlavour.wording });

  it('reads the field-keyed timestamp error as a bad timestamp, and the array shape of the others', () => {
    expect(cube('/session', 422, { errors: { timestamp: ['invalid timestamp'] } }).kind).toBe('bad_timestamp');
    expect(cube('/session', 422, { errors: ['Unexpected signature'] }).kind).toBe('app_credentials_rejected');
    expect(cube('/session', 401, { errors: ['Invalid password'] }).kind).toBe('unauthorized');
    expect(cube('/users/v2', 401, { errors: { base: ['Required session does not exist'] } }).kind).toBe('session_missing');
    expect(cube('/users/1', 403, { errors: { base: ['Forbidden. Need user.'] } }).kind).toBe('need_user');
    expect(cube('/users/v2', 403, { errors: { base: ['Users retrieving forbidden in admin panel, application settings.'] } }).kind).toBe('listing_forbidden');
  });

  it('keeps its own words to itself: QuickBlox reads a timestamp field error as any other', () => {
    const body = { errors: { timestamp: ['invalid timestamp'] } };
    expect(new UpstreamError('status', '/session.json', 422, body, { wording: quickbloxFlavour.wording }).kind).toBe('invalid_fields');
    expect(
      new UpstreamError('status', '/users.json', 403, { errors: { base: ['Users retrieving forbidden'] } }, { wording: quickbloxFlavour.wording }).kind,
    ).toBe('forbidden');
  });
});
