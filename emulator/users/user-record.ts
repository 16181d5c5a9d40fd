import type { Flavour } from '../config';
import { isoSeconds } from '../time-format';

/** A stored user: the upstream user object plus what the emulator keeps privately. */
export interface UserRecord {
  id: number;
  appId: number;
  login: string | null;
  email: string | null;
  full_name: string | null;
  phone: string | null;
  website: string | null;
  created_at: number;
  updated_at: number;
  last_request_at: number | null;
  external_user_id: number | null;
  facebook_id: string | null;
  twitter_id: string | null;
  blob_id: number | null;
  custom_data: string | null;
  user_tags: string | null;
  age_over16: boolean;
  allow_statistics_analysis: boolean;
  allow_sales_activities: boolean;
  parents_contacts: string;
  /** ConnectyCube only: the string external id, the avatar (blob UID or URL), minutes east of UTC, a guest user. */
  external_id: string | null;
  avatar: string | null;
  timezone: number | null;
  is_guest: boolean;
  /** Which API's user object it is. */
  flavour: Flavour;
  /** `salt:sha256` of the password; null for users that log in only by a provider. */
  passwordHash: string | null;
  /** The custom identity provider's id for the user, when it came from one. */
  identityUid: string | null;
  /** The serialised `{"user":…}`, dropped whenever the record changes. */
  json: string | null;
}

/** The fields both APIs' user objects begin with, in their documented order. */
function commonFields(u: UserRecord) {
  return {
    id: u.id,
    full_name: u.full_name,
    email: u.email,
    login: u.login,
    phone: u.phone,
    website: u.website,
    created_at: isoSeconds(u.created_at),
    updated_at: isoSeconds(u.updated_at),
    last_request_at: u.last_request_at === null ? null : isoSeconds(u.last_request_at),
    external_user_id: u.external_user_id,
  };
}

/**
 * The user object as the API returns it (docs/quickblox-rest.md §5.1), in the documented field
 * order; ConnectyCube's (docs/connectycube-rest.md §3.1) has `external_id`, `avatar`, `timezone`,
 * `is_guest` and tags as an array, and no QuickBlox consent fields.
 */
export function userObject(u: UserRecord): Record<string, unknown> {
  if (u.flavour === 'connectycube') {
    return {
      ...commonFields(u),
      external_id: u.external_id,
      facebook_id: u.facebook_id,
      twitter_id: u.twitter_id,
      blob_id: u.blob_id,
      avatar: u.avatar,
      custom_data: u.custom_data,
      user_tags: u.user_tags === null ? null : u.user_tags.split(','),
      timezone: u.timezone,
      ...(u.is_guest ? { is_guest: true } : {}),
    };
  }
  return {
    ...commonFields(u),
    facebook_id: u.facebook_id,
    twitter_id: u.twitter_id,
    blob_id: u.blob_id,
    custom_data: u.custom_data,
    age_over16: u.age_over16,
    allow_statistics_analysis: u.allow_statistics_analysis,
    allow_sales_activities: u.allow_sales_activities,
    parents_contacts: u.parents_contacts,
    user_tags: u.user_tags,
  };
}

/** `{"user":{…}}`, cached on the record: reads of one user are the hot path of every benchmark. */
export function userJson(u: UserRecord): string {
  u.json ??= JSON.stringify({ user: userObject(u) });
  return u.json;
}
