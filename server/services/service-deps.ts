import type { User } from '../../gen/index.quickblox.v1';
import type { ListableField, UserReads } from '../mapping/user-reads';
import type { UserSessionCache } from '../sessions/user-session-cache';
import type { Credential } from '../upstream/credential';
import type { CallScope } from '../upstream/interceptor';
import type { Upstream } from '../upstream/upstream';
import type { ListingRefusal } from './listing-refusal';
import type { ShareRead } from './shared-reads';
import type { Rpc } from './token-policy';

/** What the service handlers share. */
export interface ServiceDeps {
  upstream: Upstream;
  /** How this upstream's REST API reads users (its folder under server/flavours/). */
  userReads: UserReads;
  /** Present when QB_REUSE_USER_SESSIONS is on. */
  userSessions?: UserSessionCache;
  /** The audit log of actions taken with the account owner's powers. */
  audit?: (action: OwnerAction) => void;
  /** Coalesces lookups by id, login, email and phone (QB_COALESCE_WINDOW_MS); absent: each lookup is its own request. */
  batcher?: UserBatcher;
  /** Shares identical reads in flight; absent: each read is its own request. */
  shareRead?: ShareRead;
  /** Whether the application refused to list users lately: lookups then go one by one (QB_LISTING_RECHECK_MS). */
  listing: ListingRefusal;
  /** Told of each coalesced batch: the distinct ids it asked for and the lookups it served. */
  lookups?: { batch(ids: number, lookups: number): void };
}

/** One user to look up: by id, or by a FindUser key the upstream can list. */
export interface Lookup {
  field: 'id' | ListableField;
  value: string;
}

/** Looks users up, many callers' lookups of one field with one credential sharing one upstream request (user-batcher.ts). */
export type UserBatcher = (lookup: Lookup, credential: Credential, scope: CallScope) => Promise<User>;

/** One action taken with the account owner's powers: who, what, on which user, and how it ended. Never a secret. */
export interface OwnerAction {
  caller: string;
  method: Rpc;
  /** The user acted on: `id:<n>` or `external:<n>`; for reads, `by:<key>` (FindUser, never its value) or `list`; `new` for a sign-up. */
  target: string;
  /** `OK`, or the gRPC status name it failed with. */
  outcome: string;
}
