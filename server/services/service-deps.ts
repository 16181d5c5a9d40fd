import type { UserSessionCache } from '../sessions/user-session-cache';
import type { Upstream } from '../upstream/upstream';
import type { Rpc } from './token-policy';

/** What the service handlers share. */
export interface ServiceDeps {
  upstream: Upstream;
  /** Present when QB_REUSE_USER_SESSIONS is on. */
  userSessions?: UserSessionCache;
  /** The audit log of actions taken with the account owner's powers. */
  audit?: (action: OwnerAction) => void;
}

/** One action taken with the account owner's powers: who, what, on which user, and how it ended. Never a secret. */
export interface OwnerAction {
  caller: string;
  method: Rpc;
  /** The user acted on: `id:<n>` or `external:<n>`. */
  target: string;
  /** `OK`, or the gRPC status name it failed with. */
  outcome: string;
}
