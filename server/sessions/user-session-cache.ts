import { createHmac, randomBytes } from 'node:crypto';
import type { Session } from '../../gen/index.quickblox.v1';
import { UserCredentials } from '../../gen/index.quickblox.v1';
import { sessionEntries } from './session-entries';

export interface UserSessionCacheOptions {
  now?: () => number;
  /** Do not hand out a session that lapses sooner than this. */
  minRemainingMs?: number;
  /** The memory the entries may take, as `entryBytes` estimates it; the least recently used go first (default: no bound; the gateway passes QB_REUSE_MAX_BYTES). */
  maxBytes?: number;
  /** The keyed hash that names entries: the shared store's, so that replicas name alike; by default HMAC-SHA256 under a key random per process. */
  hash?: (...parts: string[]) => string;
  /** Told whether each lookup found a live session. */
  observe?: (hit: boolean) => void;
  /** Told of each entry evicted to keep within `maxBytes`. */
  onEvict?: () => void;
}

export interface UserSessionCache {
  /** The cache key for these credentials presented by this caller: a keyed hash, never the password. */
  key(callerIdentity: string, credentials: UserCredentials): string;
  /**
   * The live session for `key`, or the one `create` makes. Concurrent calls
   * with the same key share one `create`.
   */
  reuse(key: string, create: () => Promise<Session>): Promise<Session>;
  /** Forgets every entry holding `token` (logout, destroy, an upstream 401). */
  dropToken(token: string): void;
  /** Forgets the entry of `key` (another replica dropped it). */
  dropKey(key: string): void;
  /**
   * Forgets every session of this user, and keeps any creation in flight from
   * storing one: its credentials changed or it was deleted, so what was cached
   * was made with credentials the upstream would refuse now. Without an id
   * (a user named by its external id), every user's.
   */
  dropUser(userId?: bigint): void;
  readonly size: number;
  /** The estimated memory of the entries (`entryBytes`). */
  readonly bytes: number;
}

/**
 * Reuse of live user sessions for repeated CreateSession calls with the same
 * credentials from the same caller (QB_REUSE_USER_SESSIONS). Entries are keyed
 * by HMAC-SHA256 over the caller's identity and the credentials, so neither a
 * password nor a token is ever a key, and one caller never receives a session
 * another caller created.
 */
export function createUserSessionCache(options: UserSessionCacheOptions = {}): UserSessionCache {
  const now = options.now ?? Date.now;
  const minRemainingMs = options.minRemainingMs ?? 5 * 60_000;
  const entries = sessionEntries(options.maxBytes ?? Number.POSITIVE_INFINITY, options.onEvict);
  const hash = options.hash ?? randomHash();
  const pending = new Map<string, Promise<Session>>();

  // Drops are numbered so that a creation that started before one does not store what it made.
  let generation = 0;
  let clearedAt = -1;
  const droppedUsers = new Map<bigint, number>();
  function droppedSince(startedAt: number, userId: bigint | undefined): boolean {
    return clearedAt > startedAt || (userId !== undefined && (droppedUsers.get(userId) ?? -1) > startedAt);
  }
  const remove = entries.remove;

  return {
    key(callerIdentity, credentials) {
      return hash(callerIdentity, JSON.stringify(UserCredentials.toJSON(credentials)));
    },
    async reuse(key, create) {
      const entry = entries.get(key);
      const hit = entry !== undefined && entry.expiresAt - now() > minRemainingMs;
      options.observe?.(hit);
      if (hit) {
        entries.touch(key, entry);
        return entry.session;
      }
      if (entry) remove(key);
      let flight = pending.get(key);
      if (!flight) {
        const startedAt = generation;
        flight = create()
          .then((session) => {
            if (!droppedSince(startedAt, session.userId)) entries.store(key, session);
            return session;
          })
          .finally(() => {
            pending.delete(key);
            if (pending.size === 0) droppedUsers.clear();
          });
        pending.set(key, flight);
      }
      return flight;
    },
    dropToken(token) {
      const key = entries.keyOf(token);
      if (key !== undefined) remove(key);
    },
    dropKey: remove,
    dropUser(userId) {
      generation++;
      if (userId === undefined) clearedAt = generation;
      else if (pending.size > 0) droppedUsers.set(userId, generation);
      // A linear pass: credentials change rarely, and an index by user would cost every entry memory.
      for (const [key, entry] of entries.entries()) if (userId === undefined || entry.session.userId === userId) remove(key);
    },
    get size() {
      return entries.size;
    },
    get bytes() {
      return entries.bytes;
    },
  };
}

function randomHash(): (...parts: string[]) => string {
  const key = randomBytes(32);
  return (...parts) => {
    const mac = createHmac('sha256', key);
    for (const part of parts) mac.update(part).update('\0');
    return mac.digest('base64url');
  };
}
