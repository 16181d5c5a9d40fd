import { Session } from '../../gen/index.quickblox.v1';
import type { SharedStore } from '../store/shared-store';
import type { UserSessionCache } from './user-session-cache';

/**
 * {the stored session for KEYS[1] or '', the generation}: nothing stored
 * before a drop of every user's (a bump of the generation at KEYS[2]) is
 * taken. A value is `tokenHash|generation|userId|sealed`.
 */
const takeLua = `
local g = redis.call('GET', KEYS[2]) or '0'
local v = redis.call('GET', KEYS[1])
if not v then return {'', g} end
local a = string.find(v, '|', 1, true)
local b = string.find(v, '|', a + 1, true)
if string.sub(v, a + 1, b - 1) ~= g then return {'', g} end
return {v, g}
`;

/**
 * Stores a session (KEYS[1]), its token's entry (KEYS[2]: the cache key) and
 * the user's set of entries (KEYS[3]), unless every user's were dropped
 * since the creation began (the generation at KEYS[4] moved past ARGV[2]).
 */
const putLua = `
if (redis.call('GET', KEYS[4]) or '0') ~= ARGV[2] then return 0 end
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[2] .. '|' .. ARGV[3] .. '|' .. ARGV[4], 'PX', ARGV[5])
redis.call('SET', KEYS[2], ARGV[6], 'PX', ARGV[5])
redis.call('SADD', KEYS[3], ARGV[6])
if redis.call('PTTL', KEYS[3]) < tonumber(ARGV[5]) then redis.call('PEXPIRE', KEYS[3], ARGV[5]) end
return 1
`;

/** Deletes the session (KEYS[1]) if it still holds the token hashing to ARGV[1], and the token's entry (KEYS[2]); tells the replicas. */
const dropOneLua = `
local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, #ARGV[1] + 1) == ARGV[1] .. '|' then redis.call('DEL', KEYS[1]) end
redis.call('DEL', KEYS[2])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
`;

export interface SharedUserSessionsOptions {
  now?: () => number;
  /** A stored session lapsing sooner than this is not taken, in ms (as the local cache's). */
  minRemainingMs?: number;
  /** Told when a session came from another replica through the store. */
  onShared?: () => void;
}

/**
 * The user-session reuse cache (QB_REUSE_USER_SESSIONS) shared by the
 * replicas: `local` stays the first level and the single flight within a
 * replica; on a local miss the session another replica stored is taken
 * before one is created, and what is created is stored for the others.
 * Entries are named by the keyed hash `local.key` gives (the store's hash:
 * alike on every replica) and sealed bound to their key; drops (logout, an
 * upstream 401, a changed password, a deleted user) reach Redis and, through
 * pub/sub, every replica's first level. Redis failing only loses the sharing.
 */
export function shareUserSessions(local: UserSessionCache, store: SharedStore, options: SharedUserSessionsOptions = {}): UserSessionCache {
  const now = options.now ?? Date.now;
  const minRemainingMs = options.minRemainingMs ?? 5 * 60_000;
  const { sealer } = store;
  const { sessionKey, tokenKey, userKey, generationKey } = keyNames(store.prefix);
  const scripts = {
    take: store.script<[string, string]>('qbTakeUserSession', 2, takeLua),
    put: store.script<number>('qbPutUserSession', 4, putLua),
  };
  const failed = (e: unknown) => store.failed(e);
  const drop = sharedDrops(store, local);

  /** The live session stored for `key`, if any, and the generation a session made now is stored under. */
  async function stored(key: string): Promise<{ session?: Session; generation: string }> {
    const [value, generation] = await scripts.take(sessionKey(key), generationKey);
    const sealedAt = value ? value.split('|', 3).join('|').length + 1 : 0;
    const text = value ? sealer.open(value.slice(sealedAt), sessionKey(key)) : undefined;
    const session = text === undefined ? undefined : Session.fromJSON(JSON.parse(text));
    const expiresAt = session?.expiresAt?.getTime();
    const live = session && expiresAt !== undefined && expiresAt - now() > minRemainingMs;
    return { session: live ? session : undefined, generation };
  }

  function put(key: string, session: Session, startedAt: { drops: number; generation: string }): void {
    const ttl = (session.expiresAt?.getTime() ?? 0) - now();
    if (drop.count() !== startedAt.drops || ttl <= 0 || !session.token) return;
    const tokenHash = sealer.hash(session.token);
    const sealed = sealer.seal(JSON.stringify(Session.toJSON(session)), sessionKey(key));
    const keys = [sessionKey(key), tokenKey(tokenHash), userKey(session.userId ?? 0n), generationKey];
    scripts.put(...keys, tokenHash, startedAt.generation, String(session.userId ?? 0n), sealed, ttl, key).catch(failed);
  }

  async function fromStoreOrCreate(key: string, create: () => Promise<Session>): Promise<Session> {
    if (!store.up()) return create();
    let startedAt: { drops: number; generation: string } | undefined;
    try {
      const before = drop.count();
      const found = await stored(key);
      if (found.session) {
        options.onShared?.();
        return found.session;
      }
      startedAt = { drops: before, generation: found.generation };
    } catch (e) {
      failed(e);
    }
    const session = await create();
    if (startedAt && store.up()) put(key, session, startedAt);
    return session;
  }

  return {
    key: local.key,
    reuse: (key, create) => local.reuse(key, () => fromStoreOrCreate(key, create)),
    dropKey: local.dropKey,
    dropToken(token) {
      local.dropToken(token);
      drop.token(token);
    },
    dropUser(userId) {
      local.dropUser(userId);
      drop.user(userId);
    },
    get bytes() {
      return local.bytes;
    },
    get size() {
      return local.size;
    },
  };
}

function keyNames(prefix: string) {
  return {
    sessionKey: (key: string) => `${prefix}user-session:${key}`,
    tokenKey: (tokenHash: string) => `${prefix}user-token:${tokenHash}`,
    userKey: (userId: bigint) => `${prefix}user-of:${userId}`,
    generationKey: `${prefix}user-generation`,
    channel: `${prefix}user-session:dropped`,
  };
}

/**
 * Drops in Redis, told to every replica (`key:<cache key>`, `user:<id>`,
 * `all`), which apply them to their own first level. Counted, so that a
 * creation that began before one does not store what it made.
 */
function sharedDrops(store: SharedStore, local: UserSessionCache) {
  const { sessionKey, tokenKey, userKey, generationKey, channel } = keyNames(store.prefix);
  const dropOne = store.script<number>('qbDropUserToken', 2, dropOneLua);
  const failed = (e: unknown) => store.failed(e);
  let drops = 0;
  store.subscribe(channel, (message) => {
    const colon = message.indexOf(':');
    const [kind, value] = colon < 0 ? [message, ''] : [message.slice(0, colon), message.slice(colon + 1)];
    if (kind === 'key') return local.dropKey(value);
    drops++;
    local.dropUser(kind === 'user' ? BigInt(value) : undefined);
  });
  return {
    count: () => drops,
    token(token: string) {
      if (!store.up()) return;
      const tokenHash = store.sealer.hash(token);
      store.redis
        .get(tokenKey(tokenHash))
        .then((key) => (key ? dropOne(sessionKey(key), tokenKey(tokenHash), tokenHash, channel, `key:${key}`) : undefined))
        .catch(failed);
    },
    user(userId: bigint | undefined) {
      drops++;
      if (!store.up()) return;
      const dropped =
        userId === undefined
          ? store.redis.multi().incr(generationKey).publish(channel, 'all').exec()
          : store.redis.smembers(userKey(userId)).then((keys) =>
              store.redis
                .multi()
                .del(userKey(userId), ...keys.map(sessionKey))
                .publish(channel, `user:${userId}`)
                .exec(),
            );
      dropped.catch(failed);
    },
  };
}
