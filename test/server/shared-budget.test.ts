import { Redis } from 'ioredis';
import { sleep } from '../../server/upstream/backoff';
import { createRateLimiter } from '../../server/upstream/rate-limiter';
import { type LocalLimiter, sharedRateLimiter } from '../../server/upstream/shared-budget';
import { redisServerAvailable } from '../support/redis-server';
import { until, useSharedStores } from '../support/shared-stores';

const withRedis = redisServerAvailable() ? describe : describe.skip;

withRedis('the upstream budget shared through Redis', () => {
  const stores = useSharedStores();

  it('starts at most the limit in any second across three replicas; under its share a replica asks Redis nothing', async () => {
    const perSecond = 30;
    const counts: number[] = [];
    const limiters = await Promise.all(
      [0, 1, 2].map(async (i) => {
        const store = await stores.connect('quickblox:budget');
        // Shares free from the start (the gateway's start as if full, for a window): the test need not wait that second out.
        const local: LocalLimiter = (n) => createRateLimiter({ perSecond: n, maxWaitMs: 10_000 });
        return sharedRateLimiter(store, { perSecond, maxWaitMs: 10_000, sleep, onReplicas: (n) => (counts[i] = n) }, local);
      }),
    );
    await until(() => counts.length === 3 && counts.every((n) => n === 3));
    const raw = new Redis(stores.redis.url);
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
