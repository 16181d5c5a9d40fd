import type { UserSessionCache } from '../sessions/user-session-cache';
import type { Upstream } from '../upstream/upstream';

/** What the service handlers share. */
export interface ServiceDeps {
  upstream: Upstream;
  /** Present when QB_REUSE_USER_SESSIONS is on. */
  userSessions?: UserSessionCache;
}
