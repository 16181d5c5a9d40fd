import { baseError } from '../api-error';
import type { UserRecord } from './user-record';

type FieldKind = 'number' | 'string' | 'date';

/** The fields filters and orders may name, with the kind the emulator compares them as. */
const fieldKinds: Record<string, FieldKind> = {
  id: 'number',
  external_user_id: 'number',
  facebook_id: 'number',
  full_name: 'string',
  email: 'string',
  login: 'string',
  phone: 'string',
  website: 'string',
  twitter_id: 'string',
  created_at: 'date',
  updated_at: 'date',
  last_request_at: 'date',
};
/** Fields `gt lt ge le between` apply to (docs/quickblox-rest.md §5.4); `eq ne in` apply to every field above. */
const rangeFields = new Set(['id', 'created_at', 'updated_at', 'last_request_at', 'external_user_id', 'facebook_id']);
const operators = new Set(['gt', 'lt', 'ge', 'le', 'eq', 'ne', 'between', 'in']);
const rangeOperators = new Set(['gt', 'lt', 'ge', 'le', 'between']);

export type Predicate = (u: UserRecord) => boolean;
export type Comparator = (a: UserRecord, b: UserRecord) => number;

const invalid = (what: string, value: string) => baseError(422, `Invalid ${what}: ${value}`);

function fieldValue(u: UserRecord, field: string): string | number | null {
  return (u as unknown as Record<string, string | number | null>)[field] ?? null;
}

/**
 * Reads one `filter[]` value, `<type> <field> <operator> <value>`. Date fields
 * compare as dates and number fields as numbers whatever type token the
 * client sent: the official SDK always sends `string` for dates (docs/quickblox-rest.md
 * §1.2, the `in DATE_FIELDS` bug). A `number` token on facebook_id compares
 * it as a number, a `string` token as text.
 */
export function parseFilter(raw: string): Predicate {
  const m = /^(number|string|date)\s+(\w+)\s+(\w+)\s+([\s\S]*)$/.exec(raw.trim());
  if (!m) throw invalid('filter', raw);
  const [, token, field, op, rawValue] = m as unknown as [string, FieldKind, string, string, string];
  const fieldKind = Object.hasOwn(fieldKinds, field) ? fieldKinds[field] : undefined;
  if (!fieldKind || !operators.has(op) || (rangeOperators.has(op) && !rangeFields.has(field))) throw invalid('filter', raw);
  const kind: FieldKind = fieldKind === 'date' ? 'date' : field === 'facebook_id' ? (token === 'string' ? 'string' : 'number') : fieldKind;

  const parse = (v: string): number | string => {
    if (kind === 'string') return v;
    const n = kind === 'date' ? Date.parse(v) : Number(v);
    if (v.trim() === '' || Number.isNaN(n)) throw invalid('filter', raw);
    return kind === 'date' ? Math.floor(n / 1000) * 1000 : n;
  };
  const list = op === 'in' || op === 'between' ? rawValue.split(',').map((v) => v.trim()) : [rawValue];
  if (op === 'between' && list.length !== 2) throw invalid('filter', raw);
  const values = list.map(parse);
  const [first, second] = values as [number | string, number | string];

  const get = (u: UserRecord): number | string | null => {
    const v = fieldValue(u, field);
    if (v === null) return null;
    return kind === 'number' && typeof v === 'string' ? Number(v) : v;
  };
  switch (op) {
    case 'eq':
      return (u) => get(u) === first;
    case 'ne':
      return (u) => get(u) !== first;
    case 'in': {
      const set = new Set(values);
      return (u) => set.has(get(u) as never);
    }
    case 'gt':
      return (u) => {
        const v = get(u);
        return v !== null && v > first;
      };
    case 'ge':
      return (u) => {
        const v = get(u);
        return v !== null && v >= first;
      };
    case 'lt':
      return (u) => {
        const v = get(u);
        return v !== null && v < first;
      };
    case 'le':
      return (u) => {
        const v = get(u);
        return v !== null && v <= first;
      };
    default: // between, inclusive
      return (u) => {
        const v = get(u);
        return v !== null && v >= first && v <= second;
      };
  }
}

/** Reads `order`, `<asc|desc> <type> <field>`; ties and the default order are by ascending id. */
export function parseOrder(raw: string | undefined): Comparator {
  const byId: Comparator = (a, b) => a.id - b.id;
  if (raw === undefined || raw.trim() === '') return byId;
  const m = /^(asc|desc)\s+(number|string|date)\s+(\w+)$/.exec(raw.trim());
  const field = m?.[3];
  if (!m || field === undefined || !Object.hasOwn(fieldKinds, field)) throw invalid('order', raw);
  const sign = m[1] === 'desc' ? -1 : 1;
  return (a, b) => {
    const x = fieldValue(a, field);
    const y = fieldValue(b, field);
    if (x === y) return byId(a, b);
    if (x === null) return 1; // nulls last either way
    if (y === null) return -1;
    return (x < y ? -1 : 1) * sign;
  };
}

export interface Page {
  page: number;
  perPage: number;
}

/** `page` from 1 and `per_page` 1..100 (default 10, larger values clamped to 100); unreadable values take the default. */
export function readPage(page: string | undefined, perPage: string | undefined): Page {
  const int = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v.trim()) ? Number(v) : 0);
  return { page: Math.max(1, int(page)), perPage: Math.min(100, int(perPage) || 10) };
}

/** The paginated envelope of docs/quickblox-rest.md §5.4, with each item wrapped as `{"user":…}`. */
export function pageOf(users: UserRecord[], { page, perPage }: Page, json: (u: UserRecord) => string): string {
  const items = users.slice((page - 1) * perPage, page * perPage).map(json);
  return `{"current_page":${page},"per_page":${perPage},"total_entries":${users.length},"items":[${items.join(',')}]}`;
}
