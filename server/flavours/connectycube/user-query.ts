import { FilterOperator, SortDirection, UserField, type UserFilter, type UserOrder } from '../../../gen/index.quickblox.v1';
import { unsupported } from '../../errors/gateway-errors';
import { checkValue, type ValueType } from '../../mapping/filter-value';
import type { Params } from '../../upstream/form-encoding';
import type { Violations } from '../../validation/field-rules';
import { connectyCubeFlavour } from './flavour';

/**
 * The fields `/users/v2` filters and sorts by (docs/connectycube-rest.md
 * §3.6.1): stand-alone ones take `eq` and `in`; date ones only comparisons.
 */
const fields: Partial<Record<UserField, { name: string; type: ValueType; standAlone: boolean }>> = {
  [UserField.USER_FIELD_ID]: { name: 'id', type: 'number', standAlone: true },
  [UserField.USER_FIELD_LOGIN]: { name: 'login', type: 'string', standAlone: true },
  [UserField.USER_FIELD_EMAIL]: { name: 'email', type: 'string', standAlone: true },
  [UserField.USER_FIELD_FULL_NAME]: { name: 'full_name', type: 'string', standAlone: true },
  [UserField.USER_FIELD_PHONE]: { name: 'phone', type: 'string', standAlone: true },
  [UserField.USER_FIELD_FACEBOOK_ID]: { name: 'facebook_id', type: 'string', standAlone: true },
  [UserField.USER_FIELD_TWITTER_ID]: { name: 'twitter_id', type: 'string', standAlone: true },
  [UserField.USER_FIELD_CREATED_AT]: { name: 'created_at', type: 'date', standAlone: false },
  [UserField.USER_FIELD_UPDATED_AT]: { name: 'updated_at', type: 'date', standAlone: false },
  [UserField.USER_FIELD_LAST_REQUEST_AT]: { name: 'last_request_at', type: 'date', standAlone: false },
};

/** Each operator as v2 operators: equality and `in` are primary; a range is a pair of comparisons. */
const operators: Partial<Record<FilterOperator, { name: string; compare: boolean; values: [min: number, max: number] }>> = {
  [FilterOperator.FILTER_OPERATOR_EQ]: { name: 'eq', compare: false, values: [1, 1] },
  [FilterOperator.FILTER_OPERATOR_IN]: { name: 'in', compare: false, values: [1, 100] },
  [FilterOperator.FILTER_OPERATOR_GT]: { name: 'gt', compare: true, values: [1, 1] },
  [FilterOperator.FILTER_OPERATOR_GE]: { name: 'gte', compare: true, values: [1, 1] },
  [FilterOperator.FILTER_OPERATOR_LT]: { name: 'lt', compare: true, values: [1, 1] },
  [FilterOperator.FILTER_OPERATOR_LE]: { name: 'lte', compare: true, values: [1, 1] },
  [FilterOperator.FILTER_OPERATOR_BETWEEN]: { name: 'between', compare: true, values: [2, 2] },
};

const lack = (feature: string, lacks: string, field: string) => unsupported(connectyCubeFlavour, { feature, lacks, field });

/**
 * Compiles typed filters into `/users/v2` parameters: `login=x`,
 * `id[in][]=1&id[in][]=2`, `created_at[gt]=…`; BETWEEN becomes `gte` and
 * `lte`, EQ on a date both at once. What v2 cannot say — `ne`, `website` or
 * `external_user_id`, a comparison on a stand-alone field, a query without
 * a stand-alone `eq`/`in` — is UNIMPLEMENTED, named.
 */
export function v2FilterParams(filters: readonly UserFilter[], path: string, v: Violations): Params {
  if (filters.length > 10) v.push({ field: path, description: 'must have at most 10 filters' });
  const params: [string, string][] = [];
  let primary = false;
  filters.forEach((filter, i) => {
    const at = `${path}[${i}]`;
    if (filter.operator === FilterOperator.FILTER_OPERATOR_NE) throw lack('filter_operator_ne', 'the ne filter operator on users/v2', `${at}.operator`);
    const field = fields[filter.field];
    const op = operators[filter.operator];
    if (!field && filter.field !== UserField.USER_FIELD_UNSPECIFIED && filter.field !== UserField.UNRECOGNIZED) {
      throw lack('filter_field', `filters on ${UserField[filter.field]} in users/v2`, `${at}.field`);
    }
    if (!field) v.push({ field: `${at}.field`, description: 'must be set to a user field' });
    if (!op) v.push({ field: `${at}.operator`, description: 'must be set to an operator' });
    if (!field || !op) return;
    if (op.compare && field.standAlone) {
      throw lack('filter_comparison', `comparisons on ${field.name} in users/v2 (only created_at, updated_at and last_request_at compare)`, `${at}.operator`);
    }
    if (!op.compare && !field.standAlone && op.name === 'in') throw lack('filter_date_in', `the in operator on ${field.name} in users/v2`, `${at}.operator`);
    const [min, max] = op.values;
    if (filter.values.length < min || filter.values.length > max) {
      v.push({ field: `${at}.values`, description: min === max ? `takes exactly ${min} value${min > 1 ? 's' : ''}` : `takes ${min} to ${max} values` });
      return;
    }
    const values = filter.values.map((raw, j) => checkValue(raw, field.type, max > 1, `${at}.values[${j}]`, v));
    if (values.some((x) => x === undefined)) return;
    const [first = '', second = ''] = values as string[];
    if (op.name === 'in') for (const value of values as string[]) params.push([`${field.name}[in][]`, value]);
    else if (op.name === 'eq' && field.standAlone) params.push([field.name, first]);
    else if (op.name === 'eq' || op.name === 'between') params.push([`${field.name}[gte]`, first], [`${field.name}[lte]`, op.name === 'eq' ? first : second]);
    else params.push([`${field.name}[${op.name}]`, first]);
    primary ||= field.standAlone;
  });
  const keys = params.filter(([key]) => !key.endsWith('[]')).map(([key]) => key);
  const repeated = keys.find((key, i) => keys.indexOf(key) !== i);
  if (repeated) v.push({ field: path, description: `repeat the condition ${repeated}, which users/v2 takes once` });
  if (!primary && v.length === 0) throw lack('unfiltered_listing', connectyCubeFlavour.lacks.unfiltered_listing ?? 'listing users without a filter', path);
  return params;
}

/** `sort_asc=<field>` or `sort_desc=<field>`; none when unset. */
export function v2OrderParams(order: UserOrder | undefined, path: string, v: Violations): Params {
  if (!order) return [];
  const field = fields[order.field];
  if (!field) {
    if (order.field !== UserField.USER_FIELD_UNSPECIFIED && order.field !== UserField.UNRECOGNIZED) {
      throw lack('sort_field', `sorting by ${UserField[order.field]} in users/v2`, `${path}.field`);
    }
    v.push({ field: `${path}.field`, description: 'must be set to a user field' });
    return [];
  }
  if (order.direction === SortDirection.UNRECOGNIZED) v.push({ field: `${path}.direction`, description: 'must be ASC or DESC' });
  return [[order.direction === SortDirection.SORT_DIRECTION_DESC ? 'sort_desc' : 'sort_asc', field.name]];
}
