import type { Clock } from './clock';

/** Which API the emulator speaks: QuickBlox's, or ConnectyCube's near-twin (README, "ConnectyCube"). */
export type Flavour = 'quickblox' | 'connectycube';

/** Dashboard settings of an application that change the API's behaviour. */
export interface AppSettings {
  /** "Allow sign-up with application session" (on by default, as on QuickBlox). */
  signUpWithApplicationSession: boolean;
  /**
   * "Allow to retrieve a list of users via API"; off makes every read that
   * lists users a 403: QuickBlox's `GET /users.json`, and on ConnectyCube the
   * v1 list and any `/users/v2` query but exact matches (README, choice C13).
   */
  listUsers: boolean;
  /** ConnectyCube's "DISABLE LIST USERS API V1" unticked: the v1 list `GET /users` answers at all (off by default there; QuickBlox has only v1). */
  listUsersV1: boolean;
  /** Custom identity provider: `user[login]` + `user[password]` are an IdP user id and token. */
  customIdentityProvider: boolean;
  /** Session lifetime after the last request, in seconds (2 hours; changeable on Enterprise plans). */
  sessionTtlSeconds: number;
  /** ConnectyCube: a session create with an unknown login or email and a password creates that user (the documented default). */
  autoCreateUsers: boolean;
}

export const defaultAppSettings: AppSettings = {
  signUpWithApplicationSession: true,
  listUsers: true,
  listUsersV1: true,
  customIdentityProvider: false,
  sessionTtlSeconds: 7200,
  autoCreateUsers: true,
};

/** ConnectyCube's defaults differ: the v1 list `GET /users` is off ("DISABLE LIST USERS API V1", docs/connectycube-rest.md §3.6.2). */
export const connectyCubeAppSettings: Partial<AppSettings> = { listUsersV1: false };

/** A user created at start, with a plain password the emulator then forgets. */
export interface SeedUser {
  login?: string;
  email?: string;
  password: string;
  full_name?: string;
  phone?: string;
  website?: string;
  external_user_id?: number;
  facebook_id?: string;
  twitter_id?: string;
  blob_id?: number;
  custom_data?: string;
  tags?: string[];
  external_id?: string;
  avatar?: string;
  timezone?: number;
}

export interface ApplicationConfig {
  id: number;
  authKey: string;
  authSecret: string;
  /** Server API key (`Authorization: ApiKey …`); absent: the app has none. */
  apiKey?: string;
  /** Account key for `GET /account_settings.json`. */
  accountKey?: string;
  settings?: Partial<AppSettings>;
  /** Ids of avatar blobs that exist, for `user[blob_id]` checks. */
  blobIds?: number[];
  users?: SeedUser[];
}

/** Faults the emulator injects into API requests (never into /__admin). */
export interface Faults {
  /** Added to every matching request before it is handled, in milliseconds. */
  latencyMs: number;
  /** Share (0..1) of matching requests answered with `errorStatus`. */
  errorRate: number;
  /** The next N matching requests are answered with `errorStatus`. */
  failNext: number;
  /** The status of injected errors (5xx). */
  errorStatus: number;
  /**
   * The body of injected errors: `html`, the page a load balancer serves in
   * an outage; `json`, `{"errors":{"base":[<reason>]}}`; `expired`,
   * `{"errors":{"base":["Required session does not exist"]}}` (give it status 401).
   */
  errorBody: 'html' | 'json' | 'expired';
  /** Leave the token-expiry header out of every answer (ConnectyCube may, docs/connectycube-rest.md §1.4). */
  omitExpiryHeader: boolean;
  /** Share (0..1) of matching requests whose connection is reset without an answer. */
  resetRate: number;
  /** The next N matching requests have their connection reset. */
  resetNext: number;
  /** How far the emulator's clock is ahead of the real one (negative: behind), in milliseconds. */
  clockOffsetMs: number;
  /** A regular expression over `METHOD /path` choosing the requests faults apply to; empty: all. */
  match: string;
}

export const noFaults: Faults = {
  latencyMs: 0,
  errorRate: 0,
  failNext: 0,
  errorStatus: 503,
  errorBody: 'html',
  omitExpiryHeader: false,
  resetRate: 0,
  resetNext: 0,
  clockOffsetMs: 0,
  match: '',
};

export interface EmulatorConfig {
  /** Which API to speak (default quickblox). */
  flavour?: Flavour;
  applications: ApplicationConfig[];
  /** Requests per second per application before 429 (80 = QuickBlox Basic plan); 0 = unlimited. */
  rateLimitPerSecond: number;
  faults: Partial<Faults>;
  /** Address to bind; loopback by default. */
  host: string;
  /** HTTP port; 0 picks a free one. */
  port: number;
  /** HTTPS port; 0 picks a free one; `undefined` serves no HTTPS. */
  httpsPort?: number;
  /** TLS key and certificate; generated (self-signed for localhost and 127.0.0.1) when absent. */
  tls?: { key: string; cert: string };
  /** The time source for expiry, timestamps and the `Date` header (the fault clock offset is added). */
  clock?: Clock;
  /** Refuse (400) and record every request that is not well-formed (`wire-check.ts`): the gateway's tests run so. */
  strictRequests?: boolean;
}
