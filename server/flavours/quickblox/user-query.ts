import { FilterOperator, SortDirection, UserField, type UserFilter, type UserOrder } from '../../../gen/index.quickblox.v1';
import { checkValue, type ValueType } from '../../mapping/filter-value';
import type { Params } from '../../upstream/form-encoding';
import type { Violations } from '../../validation/field-rules';

/** Each filterable field: its upstream name and the type token the upstream compares it as. */
const filterFields: Partial<Record<UserField, { name: string; type: ValueType; ranged: boolean }>> = {
  [UserField.USER_FIELD_ID]: { name: 'id', type: 'number', ranged: true },
  [UserField.USER_FIELD_LOGIN]: { name: 'login', type: 'string', ranged: false },
  [UserField.USER_FIELD_EMAIL]: { name: 'email', type: 'string', ranged: false },
  [UserField.USER_FIELD_FULL_NAME]: { name: 'full_name', type: 'string', ranged: false },
  [UserField.USER_FIELD_PHONE]: { name: 'phone', type: 'string', ranged: false },
  [UserField.USER_FIELD_WEBSITE]: { name: 'website', type: 'string', ranged: false },
  [UserField.USER_FIELD_EXTERNAL_USER_ID]: { name: 'external_user_id', type: 'number', ranged: true },
  [UserField.USER_FIELD_FACEBOOK_ID]: { name: 'facebook_id', type: 'number', ranged: true },
  [UserField.USER_FIELD_TWITTER_ID]: { name: 'twitter_id', type: 'string', ranged: false },
  [UserField.USER_FIELD_CREATED_AT]: { name: 'created_at', type: 'date', ranged: true },
  [UserField.USER_FIELD_UPDATED_AT]: { name: 'updated_at', type: 'date', ranged: true },
  [UserField.USER_FIELD_LAST_REQUEST_AT]: { name: 'last_request_at', type: 'date', ranged: true },
};

const operators: Partial<Record<FilterOperator, { name: string; ranged: boolean; values: [min: number, max: number] }>> = {
  [FilterOperator.FILTER_OPERATOR_EQ]: { name: 'eq', ranged: false, values: [1, 1] },
  [FilterOperator.FILTER_OPERATOR_NE]: { name: 'ne', ranged: false, values: [1, 1] },
  [FilterOperator.FILTER_OPERATOR_GT]: { name: 'gt', ranged: true, values: [1, 1] },
  [FilterOperator.FILTER_OPERATOR_GE]: { name: 'ge', ranged: true, values: [1, 1] },
  [FilterOperator.FILTER_OPERATOR_LT]: { name: 'lt', ranged: true, values: [1, 1] },
  [FilterOperator.FILTER_OPERATOR_LE]: { name: 'le', ranged: true, values: [1, 1] },
  [FilterOperator.FILTER_OPERATOR_BETWEEN]: { name: 'between', ranged: true, values: [2, 2] },
  [FilterOperator.FILTER_OPERATOR_IN]: { name: 'in', ranged: false, values: [1, 100] },
};

/**
 * Compiles typed filters into repeated `filter[]` parameters,
 * `<type> <field> <operator> <value>`, one per filter (the documented way to
 * AND them). Values are checked against their field's type and the whole
 * parameter is percent-encoded on the wire, so no value can add a parameter or
 * a filter; values of IN and BETWEEN cannot hold the comma that separates them.
 */
export function filterParams(filters: readonly UserFilter[], path: string, v: Violations): Params {
  if (filters.length > 10) v.push({ field: path, description: 'must have at most 10 filters' });
  const params: (readonly [string, string])[] = [];
  filters.forEach((filter, i) => {
    const at = `${path}[${i}]`;
    const field = filterFields[filter.field];
    const op = operators[filter.operator];
    if (!field) v.push({ field: `${at}.field`, description: 'must be set to a user field' });
    if (!op) v.push({ field: `${at}.operator`, description: 'must be set to an operator' });
    if (!field || !op) return;
    if (op.ranged && !field.ranged) {
      v.push({ field: `${at}.operator`, description: `${op.name} does not apply to ${field.name}; use eq, ne or in` });
      return;
    }
    const [min, max] = op.values;
    if (filter.values.length < min || filter.values.length > max) {
      v.push({
        field: `${at}.values`,
        description: min === max ? `${op.name} takes exactly ${min} value${min > 1 ? 's' : ''}` : `${op.name} takes ${min} to ${max} values`,
      });
      return;
    }
    const values: string[] = [];
    filter.values.forEach((raw, j) => {
      const value = checkValue(raw, field.type, max > 1, `${at}.values[${j}]`, v);
      if (value !== undefined) values.push(value);
    });
    if (values.length === filter.values.length) params.push(['filter[]', `${field.type} ${field.name} ${op.name} ${values.join(',')}`]);
  });
  return params;
}

/** The `order` parameter, `<asc|desc> <type> <field>`; none when unset. */
export function orderParams(order: UserOrder | undefined, path: string, v: Violations): Params {
  if (!order) return [];
  const field = filterFields[order.field];
  if (!field) {
    v.push({ field: `${path}.field`, description: 'must be set to a user field' });
    return [];
  }
  if (order.direction === SortDirection.UNRECOGNIZED) v.push({ field: `${path}.direction`, description: 'must be ASC or DESC' });
  const direction = order.direction === SortDirection.SORT_DIRECTION_DESC ? 'desc' : 'asc';
  return [['order', `${direction} ${field.type} ${field.name}`]];
}
