import { type RedisServer, redisServerAvailable, startRedisServer } from '../support/redis-server';
import { type Stack, startStack } from './harness';

/** Several gateway replicas in front of one emulator, sharing a real redis-server (REDIS_URL). */
const withRedis = redisServerAvailable() ? describe : describe.skip;

withRedis('replicas sharing Redis', () => {
  let redis: RedisServer;
  let replicas: Stack[];
  const limit = 25;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(() => redis.stop());
  beforeEach(async () => {
    const env = { REDIS_URL: redis.url, QB_RATE_LIMIT: String(limit), QB_RATE_LIMIT_MAX_WAIT_MS: '10000', QB_COALESCE_WINDOW_MS: '0' };
    const first = await startStack({ env, emulator: { rateLimitPerSecond: limit }, prewarm: true });
    replicas = [first, ...(await Promise.all([1, 2].map(() => startStack({ env, sharedEmulator: first.emulator, prewarm: true }))))];
    for (const r of replicas) {
      await new Promise<void>((resolve) => (r.gateway.readiness.state().ready ? resolve() : r.gateway.readiness.onChange(() => resolve())));
    }
  });
  afterEach(async () => {
    for (const r of replicas.slice(1)) await r.close();
    await replicas[0]?.close();
  });
  const state = () => replicas[0]!.emulator.state;

  it('keep to QB_RATE_LIMIT together: a burst of four times the limit over three replicas meets no upstream 429', async () => {
    const id = replicas[0]!.idOf('alice');
    let left = 4 * limit;
    const worker = (r: Stack) => async () => {
      while (left-- > 0) await r.users.getUser({ id });
    };
    await Promise.all(replicas.flatMap((r) => Array.from({ length: 7 }, worker(r))));
    expect(state().count('GET /users/{id}.json', 200)).toBe(4 * limit);
    expect(state().count('GET /users/{id}.json', 429)).toBe(0);
  }, 20_000);

  it('serve every call while Redis is killed mid-load, and share again once it is back', async () => {
    const id = replicas[0]!.idOf('bob');
    const calls = (n: number) => Promise.allSettled(replicas.flatMap((r) => Array.from({ length: n }, () => r.users.getUser({ id }))));
    const during = calls(10);
    await redis.kill();
    const after = await calls(10);
    expect([...(await during), ...after].filter((r) => r.status === 'rejected')).toEqual([]);
    await redis.restart();
    const metric = async (r: Stack) => {
      const text = await (await fetch(`http://127.0.0.1:${r.gateway.metricsPort}/metrics`)).text();
      return /^qb_shared_store_up (\d)/m.exec(text)?.[1];
    };
    // ioredis reconnects by itself: wait for every replica to say so.
    for (const r of replicas) while ((await metric(r)) !== '1') await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await calls(5)).filter((r) => r.status === 'rejected')).toEqual([]);
  }, 30_000);
});
