import { randomUUID } from 'node:crypto';
import type { Sealer } from '../store/sealing';
import type { SharedStore } from '../store/shared-store';
import type { ApplicationSession } from './app-session';

/**
 * In one step, so that no session is stored between a look and a lock: the
 * stored session ({1, value}) unless it lapses within ARGV[3] ms or its token
 * hashes to ARGV[4] (the one being renewed, or one this replica cannot open);
 * else the lock for ARGV[1] ({2}); else how long the lock is held yet ({3, ms}).
 */
const takeOrLock = `
local v = redis.call('GET', KEYS[1])
if v and redis.call('PTTL', KEYS[1]) >= tonumber(ARGV[3]) and string.sub(v, 1, #ARGV[4] + 1) ~= ARGV[4] .. '|' then return {1, v} end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {2, ''} end
return {3, tostring(redis.call('PTTL', KEYS[2]))}
`;

/**
 * Stores the session and wakes the waiters, if the lock is still this
 * holder's: a holder that outlived its lock (and was taken over) must not
 * overwrite what its successor stored.
 */
const commit = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('DEL', KEYS[1])
redis.call('PUBLISH', ARGV[4], ARGV[2])
return 1
`;

/** Gives the lock up after a failed creation and wakes the waiters, so that one of them tries. */
const release = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('PUBLISH', ARGV[2], '')
return 1
`;

/** Replaces (ARGV[2] set) or deletes the stored session, only while it is still the one whose token hashes to ARGV[1]. */
const ifStill = `
local v = redis.call('GET', KEYS[1])
if not v or string.sub(v, 1, #ARGV[1] + 1) ~= ARGV[1] .. '|' then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 1
`;

export interface SharedAppSessionOptions {
  /** Creates a session upstream. */
  create: () => Promise<ApplicationSession>;
  /** How long a creator holds the lock before another replica may take over, in ms. */
  lockMs?: number;
  /** A stored session lapsing sooner than this is not taken, in ms. */
  minRemainingMs?: number;
  /** Told when a session came from the store rather than from this replica's own creation. */
  onShared?: () => void;
}

export interface SharedAppSession {
  /** A session other than `replacing`: the stored one, or one this replica creates under the lock, or one another replica created meanwhile. */
  create(replacing?: string): Promise<ApplicationSession>;
  /** Records a later expiry of `token` for the other replicas (at most once a minute). */
  extend(token: string, expiresAt: number): void;
  /** Deletes the stored session if it holds `token`. */
  forget(token: string): void;
}

/** Marks a failure of Redis, as opposed to one of the upstream, inside a creation. */
class StoreFailure extends Error {}

/**
 * The application session shared by the replicas, with one creation at a time
 * across all of them: the creator takes `SET lock NX PX` with a fencing value;
 * the others wait for its notification (pub/sub), or for the lock's TTL when
 * it died, then try again. The session is sealed at rest (store/sealing.ts)
 * and prefixed with a keyed hash of its token, so scripts can tell which one
 * is stored without opening it. Whenever Redis fails, the replica creates its
 * own: a call never fails because Redis is down.
 */
export function shareApplicationSession(store: SharedStore, options: SharedAppSessionOptions): SharedAppSession {
  const lockMs = options.lockMs ?? 15_000;
  const key = `${store.prefix}app-session`;
  const lockKey = `${store.prefix}app-session:lock`;
  const channel = `${store.prefix}app-session:made`;
  const scripts = defineScripts(store);
  const codec = sessionCodec(store.sealer, key, options.minRemainingMs ?? 5_000);
  const nextNotification = notifications(store, channel);
  const redisStep = <T>(step: Promise<T>): Promise<T> =>
    step.catch((e: unknown) => {
      throw new StoreFailure('shared store failed', { cause: e });
    });
  const shared = (session: ApplicationSession) => {
    options.onShared?.();
    return session;
  };

  async function hold(fence: string): Promise<ApplicationSession> {
    let session: ApplicationSession;
    try {
      session = await options.create();
    } catch (e) {
      scripts.release(lockKey, fence, channel).catch((failure: unknown) => store.failed(failure));
      throw e;
    }
    const ttl = Math.max(1, session.expiresAt - Date.now());
    scripts.commit(lockKey, key, fence, codec.seal(session), ttl, channel).catch((failure: unknown) => store.failed(failure));
    return session;
  }

  async function fromStore(replacing: string | undefined): Promise<ApplicationSession> {
    // Never waits longer than two holders' locks: then it creates its own.
    const deadline = Date.now() + 2 * lockMs;
    let skip = replacing === undefined ? '' : store.sealer.hash(replacing);
    while (Date.now() < deadline) {
      // Listening before looking, so that a notification between the two is not missed.
      const notified = nextNotification();
      const fence = randomUUID();
      const [step, value] = await redisStep(scripts.takeOrLock(key, lockKey, fence, lockMs, codec.minRemainingMs, skip));
      if (step !== 3) notified.cancel();
      if (step === 2) return hold(fence);
      const stored = step === 1 ? codec.open(value, replacing) : undefined;
      if (stored) return shared(stored);
      if (step === 1) {
        // Sealed under another secret (a rotation under way): replaced like a lapsed one.
        skip = value.slice(0, value.indexOf('|'));
        continue;
      }
      // Held by another replica: woken when it is done, or when its lock lapses because it died; at least
      // once a second, so that a Redis lost meanwhile is noticed (the next step fails) without waiting the lock out.
      notified.arm(Math.min(1000, Math.max(10, Number(value)) + 10));
      const made = codec.open(await notified.promise, replacing);
      if (made) return shared(made);
    }
    return options.create();
  }

  let extendedAt = 0;
  return {
    async create(replacing) {
      if (!store.up()) return options.create();
      try {
        return await fromStore(replacing);
      } catch (e) {
        if (!(e instanceof StoreFailure)) throw e;
        store.failed(e.cause);
        return options.create();
      }
    },
    extend(token, expiresAt) {
      if (!store.up() || Date.now() - extendedAt < 60_000) return;
      extendedAt = Date.now();
      const ttl = Math.max(1, expiresAt - Date.now());
      scripts.ifStill(key, store.sealer.hash(token), codec.seal({ token, expiresAt }), ttl).catch((e: unknown) => store.failed(e));
    },
    forget(token) {
      if (!store.up()) return;
      scripts.ifStill(key, store.sealer.hash(token), '', 0).catch((e: unknown) => store.failed(e));
    },
  };
}

function defineScripts(store: SharedStore) {
  return {
    takeOrLock: store.script<[number, string]>('qbTakeSessionOrLock', 2, takeOrLock),
    commit: store.script<number>('qbCommitSession', 2, commit),
    release: store.script<number>('qbReleaseSession', 1, release),
    ifStill: store.script<number>('qbIfStillSession', 1, ifStill),
  };
}

/** The stored form, `hash(token)|sealed(session)`, and back: undefined for one that cannot be opened, is `replacing`, or lapses too soon. */
function sessionCodec(sealer: Sealer, key: string, minRemainingMs: number) {
  return {
    minRemainingMs,
    seal: (session: ApplicationSession) => `${sealer.hash(session.token)}|${sealer.seal(JSON.stringify(session), key)}`,
    open(stored: string, replacing: string | undefined): ApplicationSession | undefined {
      const bar = stored.indexOf('|');
      const text = bar < 0 ? undefined : sealer.open(stored.slice(bar + 1), key);
      const session = text === undefined ? undefined : (JSON.parse(text) as ApplicationSession);
      if (!session || session.token === replacing || session.expiresAt - Date.now() < minRemainingMs) return undefined;
      return session;
    },
  };
}

/** Each call listens for the next session published on `channel`: it resolves with it, or with '' once cancelled or after the `ms` it was armed with. */
function notifications(store: SharedStore, channel: string): () => { promise: Promise<string>; arm(ms: number): void; cancel(): void } {
  const waiters = new Set<(stored: string) => void>();
  store.subscribe(channel, (stored) => {
    for (const wake of waiters) wake(stored);
  });
  return () => {
    let wake!: (stored: string) => void;
    let timer: NodeJS.Timeout | undefined;
    const promise = new Promise<string>((resolve) => {
      wake = (stored) => {
        waiters.delete(wake);
        clearTimeout(timer);
        resolve(stored);
      };
    });
    waiters.add(wake);
    return { promise, arm: (ms) => (timer = setTimeout(() => wake(''), ms)), cancel: () => wake('') };
  };
}
