import type { FindUserRequest, ListUsersRequest } from '../../gen/index.quickblox.v1';
import type { UpstreamCall } from '../upstream/route';
import type { Violations } from '../validation/field-rules';

/** One lookup or listing as a request to one upstream, and how its answer holds the users. */
export interface UserRead {
  call: UpstreamCall;
  /** `user`: one `{"user":…}`; `page`: a page of users (for a single lookup, its first one or NOT_FOUND). */
  answer: 'user' | 'page';
  /** A 404 means nothing matched (QuickBlox's by_full_name and by_tags). */
  emptyOnNotFound?: boolean;
}

/** The page a listing asks for, in the contract's terms. */
export interface PageAsked {
  page: number;
  perPage: number;
}

/** The position of a page as the upstream reported it, in the contract's terms. */
export interface PageGot extends PageAsked {
  totalEntries: number;
}

export type FindKey = NonNullable<FindUserRequest['key']>;
/** The FindUser keys the upstreams can look up many of in one request. */
export type ListableField = 'login' | 'email' | 'phone';
export type ListQuery = ListUsersRequest['query'];

/**
 * How one upstream's REST API reads users: QuickBlox's v1 endpoints, or
 * ConnectyCube's `/users/v2` with its operators and offset/limit. The
 * request fields have passed the contract's own checks; a dialect adds its
 * upstream's (violations) and throws UNIMPLEMENTED for what it cannot ask.
 */
export interface UserReads {
  byId(id: bigint): UserRead;
  /** 1 to 100 distinct ids. */
  byIds(ids: readonly string[]): UserRead;
  find(key: FindKey): UserRead;
  /** A page of the users whose `field` is one of 1 to 100 distinct `values`, each one `listable`. */
  among(field: ListableField, values: readonly string[]): UserRead;
  /** Whether `value` can go in a list of `among` (QuickBlox's lists are comma-joined and trimmed). */
  listable(value: string): boolean;
  list(query: ListQuery, page: PageAsked, v: Violations): UserRead;
  /** Where the page of an answer stands. */
  pageOf(body: unknown, asked: PageAsked): PageGot;
}

/** A count in an upstream page: a non-negative integer, or a numeric string. */
export function count(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}
