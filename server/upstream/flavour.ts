import type { UpstreamName } from '../config/upstream-names';
import type { Params } from './form-encoding';
import type { RouteTable } from './route';
import type { Wording } from './upstream-error';

/**
 * Something one upstream offers and the other lacks. A request that needs it
 * answers UNIMPLEMENTED `UNSUPPORTED_BY_UPSTREAM`, naming the upstream and
 * the feature (README, "Upstreams").
 */
export type Feature = 'guest_sessions' | 'firebase_email' | 'field_external_id' | 'field_avatar' | 'field_timezone' | 'user_tokens' | 'unfiltered_listing';

/**
 * What differs between the upstreams, as data: a route table plus the few
 * behaviours of docs/connectycube-rest.md §5 and §6.1. Everything else — the
 * pipeline, the token policy, the error mapping — is shared.
 */
export interface Flavour {
  name: UpstreamName;
  /** For messages: `the ConnectyCube API refused the call`. */
  title: string;
  routes: RouteTable;
  /** The request header a session token travels in (lower case). */
  tokenHeader: string;
  /** The response header with the token's expiry (lower case). */
  expiryHeader: string;
  /**
   * How long a token lives after a successful request when the answer gives
   * no expiry header; undefined: the expiry stays unknown.
   */
  assumedLifetimeMs?: number;
  /** The header that lets sign-up go without any session (ConnectyCube's `CB-AuthKey`). */
  signUpKeyHeader?: string;
  /** A request body from its parameters. */
  encodeBody: (params: Params) => { contentType: string; text: string };
  /** How it words its failures, its own words before the shared ones (upstream-error.ts#sharedWording). */
  wording: readonly Wording[];
  /** What this upstream lacks, with the words UNIMPLEMENTED uses for it. */
  lacks: Partial<Record<Feature, string>>;
}
