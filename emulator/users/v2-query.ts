import { listError } from '../api-error';
import type { Params } from '../params';
import type { UserRecord } from './user-record';

type Kind = 'number' | 'string' | 'date' | 'tags';

/** The fields `/users/v2` filters by (docs/connectycube-rest.md §3.6.1): stand-alone ones, and date ones that only add to them. */
const fields: Record<string, { kind: Kind; standAlone: boolean }> = {
  id: { kind: 'number', standAlone: true },
  login: { kind: 'string', standAlone: true },
  email: { kind: 'string', standAlone: true },
  full_name: { kind: 'string', standAlone: true },
  phone: { kind: 'string', standAlone: true },
  external_id: { kind: 'string', standAlone: true },
  facebook_id: { kind: 'string', standAlone: true },
  twitter_id: { kind: 'string', standAlone: true },
  user_tags: { kind: 'tags', standAlone: true },
  last_request_at: { kind: 'date', standAlone: false },
  created_at: { kind: 'date', standAlone: false },
  updated_at: { kind: 'date', standAlone: false },
};
const primary = new Set(['eq', 'in', 'start_with']);
const compare = new Set(['gt', 'lt', 'gte', 'lte']);
const control = new Set(['offset', 'limit', 'sort_asc', 'sort_desc']);

export interface V2Query {
  match: (u: UserRecord) => boolean;
  order: (a: UserRecord, b: UserRecord) => number;
  offset: number;
  limit: number;
}

const invalid = (message: string) => listError(422, message);

/** Fields whose plain equality picks users out one by one rather than listing them (README, choice C13). */
const exactKeys = new Set(['id', 'login', 'email', 'phone', 'external_id', 'facebook_id', 'twitter_id']);

/** Whether a `/users/v2` query lists users, which "Allow to retrieve a list of users via API" governs: anything but plain equality on a lookup field. */
export function listsUsers(params: Params): boolean {
  return [...params.entries()].some(([key]) => !control.has(key) && !exactKeys.has(key));
}

/**
 * Reads a `/users/v2` query. It needs a stand-alone field with a primary
 * operator; a stand-alone field takes no comparison; `start_with` needs four
 * characters and caps the page at five. Violations answer 422
 * `{"errors":["…"]}` (the text is the emulator's; README, choice C6).
 */
export function parseV2Query(params: Params): V2Query {
  const tests: ((u: UserRecord) => boolean)[] = [];
  let hasPrimary = false;
  let prefixSearch = false;
  for (const [key, raw] of params.entries()) {
    if (control.has(key)) continue;
    const m = /^(\w+)(?:\[(\w+)\])?(\[\])?$/.exec(key);
    const field = m?.[1] ?? '';
    const spec = Object.hasOwn(fields, field) ? fields[field] : undefined;
    const op = m?.[2] ?? 'eq';
    if (!m || !spec) throw invalid(`Unknown filter: ${key}`);
    if (!primary.has(op) && !compare.has(op) && op !== 'nin') throw invalid(`Unknown operator: ${op}`);
    if (spec.standAlone && compare.has(op)) throw invalid(`${field} does not take ${op}`);
    if (!spec.standAlone && !compare.has(op)) throw invalid(`${field} takes only gt, gte, lt and lte`);
    if (op === 'start_with' && [...raw].length < 4) throw invalid('start_with needs at least 4 characters');
    hasPrimary ||= spec.standAlone && primary.has(op);
    prefixSearch ||= op === 'start_with';
    tests.push(condition(field, spec.kind, op, op === 'in' || op === 'nin' ? params.getAll(key) : [raw]));
  }
  if (!hasPrimary) throw invalid('A stand-alone field with eq, in or start_with is required');
  const limitText = params.get('limit');
  const limit = Math.min(prefixSearch ? 5 : 100, limitText && /^\d+$/.test(limitText) && Number(limitText) > 0 ? Number(limitText) : 100);
  const offsetText = params.get('offset');
  const sortField = params.get('sort_asc') ?? params.get('sort_desc');
  const sign = params.has('sort_desc') ? -1 : 1;
  return {
    match: (u) => tests.every((t) => t(u)),
    order: (a, b) => (sortField ? compareValues(value(a, sortField), value(b, sortField)) * sign || a.id - b.id : a.id - b.id),
    offset: offsetText && /^\d+$/.test(offsetText) ? Number(offsetText) : 0,
    limit,
  };
}

function value(u: UserRecord, field: string): unknown {
  return (u as unknown as Record<string, unknown>)[field] ?? null;
}

function compareValues(x: unknown, y: unknown): number {
  if (x === y) return 0;
  if (x === null) return 1;
  if (y === null) return -1;
  return (x as number | string) < (y as number | string) ? -1 : 1;
}

function condition(field: string, kind: Kind, op: string, raws: string[]): (u: UserRecord) => boolean {
  const parse = (v: string): number | string => {
    if (kind === 'number') return Number(v);
    if (kind === 'date') {
      const ms = /^\d+$/.test(v) ? Number(v) * 1000 : Date.parse(v);
      if (Number.isNaN(ms)) throw invalid(`Invalid date: ${v}`);
      return Math.floor(ms / 1000) * 1000;
    }
    return v;
  };
  const wanted = raws.map(parse);
  const [first] = wanted;
  const values = (u: UserRecord): (number | string)[] => {
    const v = value(u, field);
    if (kind === 'tags') return typeof v === 'string' ? v.split(',') : [];
    return v === null ? [] : [v as number | string];
  };
  switch (op) {
    case 'eq':
      return (u) => values(u).includes(first as never);
    case 'in':
      return (u) => values(u).some((v) => wanted.includes(v));
    case 'nin':
      return (u) => !values(u).some((v) => wanted.includes(v));
    case 'start_with':
      return (u) => values(u).some((v) => String(v).toLowerCase().startsWith(String(first).toLowerCase()));
    default: {
      const bound = first as number | string;
      const holds = (v: number | string) => (op === 'gt' ? v > bound : op === 'gte' ? v >= bound : op === 'lt' ? v < bound : v <= bound);
      return (u) => values(u).some(holds);
    }
  }
}
