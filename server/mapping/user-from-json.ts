import type { User } from '../../gen/index.quickblox.v1';

/** A user object as the REST API returns it (docs/quickblox-rest.md §5.1); any field may be missing or null. */
type UserJson = Record<string, unknown>;

/** Reads `{"user":{…}}` or a bare user object into the contract's User. */
export function userFromJson(json: unknown): User {
  const envelope = json as { user?: unknown } | undefined;
  const u = (envelope && typeof envelope.user === 'object' && envelope.user !== null ? envelope.user : json) as UserJson;
  return {
    id: int64(u.id) ?? 0n,
    login: str(u.login),
    email: str(u.email),
    fullName: str(u.full_name),
    phone: str(u.phone),
    website: str(u.website),
    createdAt: date(u.created_at),
    updatedAt: date(u.updated_at),
    lastRequestAt: date(u.last_request_at),
    externalUserId: int64(u.external_user_id),
    facebookId: str(u.facebook_id),
    twitterId: str(u.twitter_id),
    blobId: int64(u.blob_id),
    customData: str(u.custom_data),
    tags: tags(u.user_tags),
    ageOver16: bool(u.age_over16),
    allowStatisticsAnalysis: bool(u.allow_statistics_analysis),
    allowSalesActivities: bool(u.allow_sales_activities),
    parentsContacts: str(u.parents_contacts),
    externalId: str(u.external_id),
    avatar: str(u.avatar),
    timezone: typeof u.timezone === 'number' ? u.timezone : undefined,
    isGuest: u.is_guest === true,
  };
}

/** The users of a page: `items` of `{"user":{…}}` (QuickBlox) or of bare users (ConnectyCube's v2). */
export function usersFromPage(json: unknown): User[] {
  const items = (json as { items?: unknown } | undefined)?.items;
  return Array.isArray(items) ? items.map(userFromJson) : [];
}

export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

export function int64(value: unknown): bigint | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  return undefined;
}

export function date(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

function bool(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

/** `user_tags`: QuickBlox's comma-joined string, or the array ConnectyCube may send (docs/connectycube-rest.md §3.1). */
function tags(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((t): t is string => typeof t === 'string' && t.trim() !== '').map((t) => t.trim());
  if (typeof value !== 'string' || value === '') return [];
  return value
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}
