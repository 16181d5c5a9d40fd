import { Redis } from 'ioredis';
import { createLogger } from '../../server/logging/logger';
import { createSealer } from '../../server/store/sealing';
import { connectSharedStore, type SharedStore } from '../../server/store/shared-store';
import type { ApplicationSession } from '../../server/upstream/app-session';
import { sleep } from '../../server/upstream/backoff';
import { createRateLimiter } from '../../server/upstream/rate-limiter';
import { shareApplicationSession } from '../../server/upstream/shared-app-session';
import { type LocalLimiter, sharedRateLimiter } from '../../server/upstream/shared-budget';
import { type RedisServer, redisServerAvailable, startRedisServer } from '../support/redis-server';

const secret = 'test-only-secret-of-32-characters-x';

describe('sealing what the replicas keep in Redis', () => {
  const sealer = createSealer(secret);

  it('opens what it sealed, only at the key it was sealed for, and nothing altered or sealed under another secret', () => {
    const sealed = sealer.seal('token-abc', 'qb:{quickblox:1}:app-session');
    expect(sealed).not.toContain('token-abc');
    expect(sealer.open(sealed, 'qb:{quickblox:1}:app-session')).toBe('token-abc');
    expect(sealer.open(sealed, 'qb:{quickblox:2}:app-session')).toBeUndefined();
    expect(createSealer(`${secret}-rotated`).open(sealed, 'qb:{quickblox:1}:app-session')).toBeUndefined();
    const flipped = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'B' : 'A') + sealed.slice(-1);
    expect(sealer.open(flipped, 'qb:{quickblox:1}:app-session')).toBeUndefined();
    expect(sealer.open('not sealed at all', 'qb:{quickblox:1}:app-session')).toBeUndefined();
    // A fresh nonce each time: equal tokens do not show as equal values.
    expect(sealer.seal('token-abc', 'k')).not.toBe(sealer.seal('token-abc', 'k'));
  });

  it('hashes alike on every replica with the same secret, and differently under another or with the parts split otherwise', () => {
    expect(createSealer(secret).hash('alice', 'pw')).toBe(sealer.hash('alice', 'pw'));
    expect(createSealer(`${secret}-rotated`).hash('alice', 'pw')).not.toBe(sealer.hash('alice', 'pw'));
    expect(sealer.hash('ali', 'cepw')).not.toBe(sealer.hash('alice', 'pw'));
  });
});

const withRedis = redisServerAvailable() ? describe : describe.skip;

/** A creation that finishes when the test says; `started` resolves once it was called (its caller holds the lock then). */
function deferred() {
  let resolve!: (session: ApplicationSession) => void;
  let reject!: (e: Error) => void;
  let begun!: () => void;
  const started = new Promise<void>((ok) => (begun = ok));
  const promise = new Promise<ApplicationSession>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  const create = () => {
    begun();
    return promise;
  };
  return { create, started, resolve, reject };
}

const session = (token: string): ApplicationSession => ({ token, expiresAt: Date.now() + 60 * 60_000 });

withRedis('the application session shared through Redis', () => {
  let redis: RedisServer;
  let stores: SharedStore[] = [];
  let account = 0;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(() => redis.stop());
  beforeEach(() => {
    account++;
  });
  afterEach(async () => {
    await Promise.all(stores.map((s) => s.close()));
    stores = [];
  });
  /** A replica's store for this test's account; `url` another Redis, `key` another secret. */
  async function store(options: { url?: string; key?: string } = {}): Promise<SharedStore> {
    const s = connectSharedStore({
      url: options.url ?? redis.url,
      account: `quickblox:${account}`,
      secret: options.key ?? secret,
      logger: createLogger('silent'),
    });
    stores.push(s);
    await s.ready(options.url ? 100 : 2000);
    return s;
  }

  it('is created once: a replica waiting on another creator takes what it made, without creating', async () => {
    const made = deferred();
    const first = shareApplicationSession(await store(), { create: made.create });
    const secondCreate = jest.fn(async () => session('second'));
    const second = shareApplicationSession(await store(), { create: secondCreate });
    const firstGot = first.create();
    await made.started;
    // The second asks while the first holds the lock: it must wait for it.
    const secondGot = second.create();
    made.resolve(session('first'));
    expect((await firstGot).token).toBe('first');
    expect((await secondGot).token).toBe('first');
    expect(secondCreate).not.toHaveBeenCalled();
  });

  it('is taken over once the lock lapses, and the late creator does not overwrite its successor', async () => {
    const stuck = deferred();
    const first = shareApplicationSession(await store(), { create: stuck.create, lockMs: 200 });
    const firstGot = first.create();
    await stuck.started;
    const second = shareApplicationSession(await store(), { create: async () => session('second'), lockMs: 200 });
    expect((await second.create()).token).toBe('second');
    stuck.resolve(session('late'));
    expect((await firstGot).token).toBe('late');
    const thirdCreate = jest.fn(async () => session('third'));
    const third = shareApplicationSession(await store(), { create: thirdCreate });
    expect((await third.create()).token).toBe('second');
    expect(thirdCreate).not.toHaveBeenCalled();
  });

  it('wakes the waiters at once when a creation fails, and one of them creates', async () => {
    const failing = deferred();
    const first = shareApplicationSession(await store(), { create: failing.create, lockMs: 60_000 });
    const firstGot = first.create();
    await failing.started;
    const second = shareApplicationSession(await store(), { create: async () => session('second'), lockMs: 60_000 });
    const secondGot = second.create();
    failing.reject(new Error('upstream down'));
    await expect(firstGot).rejects.toThrow('upstream down');
    // Well before the 60 s lock would lapse (the test's own timeout is 5 s).
    expect((await secondGot).token).toBe('second');
  });

  it('skips the token being renewed and a stored one about to lapse', async () => {
    const first = shareApplicationSession(await store(), { create: async () => session('first') });
    await first.create();
    const second = shareApplicationSession(await store(), { create: async () => session('second') });
    expect((await second.create('first')).token).toBe('second');
    const soon = shareApplicationSession(await store(), { create: async () => ({ token: 'brief', expiresAt: Date.now() + 2000 }), minRemainingMs: 5000 });
    expect((await soon.create('second')).token).toBe('brief');
    const fourth = shareApplicationSession(await store(), { create: async () => session('fourth'), minRemainingMs: 5000 });
    expect((await fourth.create()).token).toBe('fourth');
  });

  it('forgets the stored session only while it is the token forgotten', async () => {
    const first = shareApplicationSession(await store(), { create: async () => session('first') });
    await first.create();
    first.forget('another');
    const second = shareApplicationSession(await store(), { create: async () => session('second') });
    expect((await second.create()).token).toBe('first');
    first.forget('first');
    const third = shareApplicationSession(await store(), { create: async () => session('third') });
    expect((await third.create()).token).toBe('third');
  });

  it('keeps only sealed values, and a replica with another secret sees nothing it can use', async () => {
    const first = shareApplicationSession(await store(), { create: async () => session('token-in-the-clear') });
    await first.create();
    const raw = new Redis(redis.url);
    try {
      const keys = await raw.keys(`qb:{quickblox:${account}}:*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) expect(String(await raw.get(key))).not.toContain('token-in-the-clear');
    } finally {
      raw.disconnect();
    }
    const rotated = shareApplicationSession(await store({ key: `${secret}-rotated` }), { create: async () => session('own') });
    expect((await rotated.create()).token).toBe('own');
  });

  it('creates its own while Redis cannot be reached', async () => {
    const unreachable = await store({ url: 'redis://127.0.0.1:1' });
    const alone = shareApplicationSession(unreachable, { create: async () => session('alone') });
    expect((await alone.create()).token).toBe('alone');
  });
});

withRedis('the upstream budget shared through Redis', () => {
  let redis: RedisServer;
  const stores: SharedStore[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await redis.stop();
  });

  it('starts at most the limit in any second across three replicas; under its share a replica asks Redis nothing', async () => {
    const perSecond = 30;
    const counts: number[] = [];
    const limiters = await Promise.all(
      [0, 1, 2].map(async (i) => {
        const store = connectSharedStore({ url: redis.url, account: 'quickblox:budget', secret, logger: createLogger('silent') });
        stores.push(store);
        await store.ready(2000);
        // Shares free from the start (the gateway's start as if full, for a window): the test need not wait that second out.
        const local: LocalLimiter = (n) => createRateLimiter({ perSecond: n, maxWaitMs: 10_000 });
        return sharedRateLimiter(store, { perSecond, maxWaitMs: 10_000, sleep, onReplicas: (n) => (counts[i] = n) }, local);
      }),
    );
    await until(() => counts.length === 3 && counts.every((n) => n === 3));
    const raw = new Redis(redis.url);
    const scripts = async () => Number(/cmdstat_evalsha:calls=(\d+)/.exec(await raw.info('commandstats'))?.[1] ?? 0);
    try {
      const starts: number[] = [];
      const started = (acquire: (typeof limiters)[number]) => async () => {
        expect(await acquire()).toHaveProperty('waitedMs');
        starts.push(Date.now());
      };
      // Each replica's share is 15 / 3 = 5: four calls each stay within it.
      const before = await scripts();
      await Promise.all(limiters.flatMap((acquire) => Array.from({ length: 4 }, started(acquire))));
      expect(await scripts()).toBe(before);

      // Then 90 requests, a third on each replica, all at once: three seconds' worth.
      await Promise.all(limiters.flatMap((acquire) => Array.from({ length: 30 }, started(acquire))));
      expect(await scripts()).toBeGreaterThan(before);
      starts.sort((a, b) => a - b);
      const busiest = Math.max(...starts.map((t) => starts.filter((u) => u >= t && u < t + 1000).length));
      expect(starts).toHaveLength(102);
      expect(busiest).toBeLessThanOrEqual(perSecond);
    } finally {
      raw.disconnect();
    }
  }, 20_000);
});

/** Resolves once `holds` does (a count arrives over pub/sub, a moment later). */
async function until(holds: () => boolean): Promise<void> {
  while (!holds()) await new Promise((resolve) => setTimeout(resolve, 10));
}
