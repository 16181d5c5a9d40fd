import { Metadata, Status } from 'nice-grpc';
import { type RedisServer, redisServerAvailable, startRedisServer } from '../support/redis-server';
import { heldInRedis, testStoreSecret, until } from '../support/shared-stores';
import { app, callerKeys, loginRequest, type Stack, startStack, withToken } from './harness';

/** Several gateway replicas in front of one emulator, sharing a real redis-server (REDIS_URL). */
const withRedis = redisServerAvailable() ? describe : describe.skip;

/** Three gateways on one emulator (its rate limit `emulatorLimit`, 0: none), each ready. */
async function startReplicas(env: NodeJS.ProcessEnv, emulatorLimit: number): Promise<Stack[]> {
  const first = await startStack({ env, emulator: { rateLimitPerSecond: emulatorLimit }, prewarm: true });
  const replicas = [first, ...(await Promise.all([1, 2].map(() => startStack({ env, sharedEmulator: first.emulator, prewarm: true }))))];
  for (const r of replicas) {
    await untilReady(r);
  }
  return replicas;
}

/** Resolves once the replica is ready (its readiness says so, or changes). */
function untilReady(r: Stack): Promise<void> {
  return new Promise<void>((resolve) => (r.gateway.readiness.state().ready ? resolve() : r.gateway.readiness.onChange(() => resolve())));
}

/** Resolves once `name` on the replica's /metrics satisfies `holds` (polled: a gauge has no event to wait on). */
async function metricReaches(r: Stack, name: string, holds: (value: number) => boolean): Promise<void> {
  const read = async () => {
    const text = await (await fetch(`http://127.0.0.1:${r.gateway.metricsPort}/metrics`)).text();
    return Number(new RegExp(`^${name.replace(/[{}]/g, '\\$&')} (\\S+)`, 'm').exec(text)?.[1]);
  };
  while (!holds(await read())) await new Promise((resolve) => setTimeout(resolve, 50));
}

async function closeReplicas(replicas: Stack[]): Promise<void> {
  for (const r of replicas.slice(1)) await r.close();
  await replicas[0]?.close();
}

withRedis('replicas sharing Redis', () => {
  let redis: RedisServer;
  let replicas: Stack[];
  const limit = 25;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(() => redis.stop());
  beforeEach(async () => {
    replicas = await startReplicas(
      {
        REDIS_URL: redis.url,
        REDIS_ENCRYPTION_KEY: testStoreSecret,
        QB_RATE_LIMIT: String(limit),
        QB_RATE_LIMIT_MAX_WAIT_MS: '10000',
        QB_COALESCE_WINDOW_MS: '0',
      },
      limit,
    );
  }, 20_000);
  afterEach(() => closeReplicas(replicas));
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
    // Each replica's share while Redis is gone is the limit over the replicas it counted: wait until each has counted all three.
    for (const r of replicas) await metricReaches(r, 'qb_shared_replicas{application="default"}', (v) => v >= 3);
    const during = calls(10);
    await redis.kill();
    const after = await calls(10);
    expect([...(await during), ...after].filter((r) => r.status === 'rejected')).toEqual([]);
    expect(state().count('GET /users/{id}.json', 429)).toBe(0);
    await redis.restart();
    // ioredis reconnects by itself: wait for every replica to say so.
    for (const r of replicas) await metricReaches(r, 'qb_shared_store_up', (v) => v === 1);
    expect((await calls(5)).filter((r) => r.status === 'rejected')).toEqual([]);
  }, 30_000);
});

withRedis('replicas sharing Redis for nonces', () => {
  let redis: RedisServer;
  let replicas: Stack[];
  beforeAll(async () => {
    redis = await startRedisServer();
    replicas = await startReplicas({ REDIS_URL: redis.url, REDIS_ENCRYPTION_KEY: testStoreSecret }, 0);
  }, 20_000);
  afterAll(async () => {
    await closeReplicas(replicas);
    await redis.stop();
  });
  const state = () => replicas[0]!.emulator.state;

  it('draw nonces from distinct tags: 300 concurrent CreateSession calls over the replicas meet no nonce rejection', async () => {
    const calls = replicas.flatMap((r) => Array.from({ length: 100 }, () => r.sessions.createSession(loginRequest('alice', 'alicePass1!'))));
    const sessions = await Promise.all(calls);
    expect(sessions).toHaveLength(300);
    expect(state().count('POST /session.json', 422)).toBe(0);
    // The tag is the nonce's top bits (server/upstream/nonce-source.ts): one per replica, the next three of Redis's counter.
    const tags = [...new Set(sessions.map((s) => state().sessions.find(s.session!.token, state().now(), state().sessionTtlMs)!.nonce >> 20))].sort(
      (a, b) => a - b,
    );
    expect(tags).toEqual([tags[0], tags[0]! + 1, tags[0]! + 2]);
  }, 20_000);
});

withRedis('replicas sharing the application session', () => {
  const key = testStoreSecret;
  let redis: RedisServer;
  let replicas: Stack[] = [];
  beforeEach(async () => {
    redis = await startRedisServer();
  });
  afterEach(async () => {
    await closeReplicas(replicas);
    replicas = [];
    await redis.stop();
  });
  const created = () => replicas[0]!.emulator.state.count('POST /session.json', 201);

  it('create it once for a cold storm of 1,000 calls over three replicas, and once again after the upstream dropped it', async () => {
    const env = { REDIS_URL: redis.url, REDIS_ENCRYPTION_KEY: key, QB_COALESCE_WINDOW_MS: '0' };
    const first = await startStack({ env, prewarm: false });
    replicas = [first, ...(await Promise.all([1, 2].map(() => startStack({ env, sharedEmulator: first.emulator, prewarm: false }))))];
    const ids = [first.idOf('alice'), first.idOf('bob')];
    const storm = () => Promise.all(Array.from({ length: 1000 }, (_, i) => replicas[i % 3]!.users.getUser({ id: ids[i % 2]! })));
    expect(await storm()).toHaveLength(1000);
    expect(created()).toBe(1);
    const tokens = new Set(replicas.map((r) => r.gateway.upstream.applicationSession.peek()?.token));
    expect(tokens.size).toBe(1);

    // Every replica now meets "Required session does not exist": one of them creates the next, the others take it.
    first.emulator.state.sessions.expireAll();
    expect(await storm()).toHaveLength(1000);
    expect(created()).toBe(2);
    expect(new Set(replicas.map((r) => r.gateway.upstream.applicationSession.peek()?.token)).size).toBe(1);

    // What Redis holds names no token and no secret in the clear.
    const held = (await heldInRedis(redis.url)).text;
    expect(held).toContain('app-session');
    for (const secret of [...tokens, replicas[0]!.gateway.upstream.applicationSession.peek()!.token, key, app.authSecret]) expect(held).not.toContain(secret);
    expect(replicas.flatMap((r) => r.logs).join('')).not.toContain(key);
  }, 30_000);

  it('create it once when three replicas start together and each makes itself ready', async () => {
    const env = { REDIS_URL: redis.url, REDIS_ENCRYPTION_KEY: key };
    const first = await startStack({ env, prewarm: false });
    replicas = [first, ...(await Promise.all([1, 2, 3].map(() => startStack({ env, sharedEmulator: first.emulator, prewarm: true }))))];
    for (const r of replicas.slice(1)) {
      await untilReady(r);
    }
    expect(created()).toBe(1);
    const text = await (await fetch(`http://127.0.0.1:${replicas[1]!.gateway.metricsPort}/metrics`)).text();
    expect(text).toMatch(/^qb_token_cache_events_total\{application="default",cache="application",event="(shared|miss)"\} [1-9]/m);
  }, 20_000);
});

withRedis('replicas sharing reused user sessions', () => {
  const key = testStoreSecret;
  let redis: RedisServer;
  let replicas: Stack[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
    const env = { REDIS_URL: redis.url, REDIS_ENCRYPTION_KEY: key, QB_REUSE_USER_SESSIONS: 'true' };
    const first = await startStack({ env, prewarm: true });
    replicas = [first, await startStack({ env, sharedEmulator: first.emulator, prewarm: true })];
  }, 20_000);
  afterAll(async () => {
    await closeReplicas(replicas);
    await redis.stop();
  });
  const userSessions = () => replicas[0]!.emulator.state.count('POST /session.json', 201);
  const [a, b] = [() => replicas[0]!, () => replicas[1]!];

  it('hand the session one replica created to the same caller on another, and drop it everywhere on logout', async () => {
    const before = userSessions();
    const first = (await a().sessions.createSession(loginRequest('alice', 'alicePass1!'))).session!;
    const again = (await b().sessions.createSession(loginRequest('alice', 'alicePass1!'))).session!;
    expect(again.token).toBe(first.token);
    expect(userSessions()).toBe(before + 1);
    // Another caller never gets it.
    const asServiceA = { metadata: Metadata({ authorization: `Bearer ${callerKeys.serviceA}` }) };
    const other = (await b().sessions.createSession(loginRequest('alice', 'alicePass1!'), asServiceA)).session!;
    expect(other.token).not.toBe(first.token);

    await b().sessions.destroySession({}, withToken(first.token));
    // Replica a dropped its own copy on b's notice: it creates anew rather than hand out a destroyed token.
    await until(async () => (await a().sessions.createSession(loginRequest('alice', 'alicePass1!'))).session!.token !== first.token);
  });

  it('drop every replica’s sessions of a user whose password changed: the old password no longer opens one', async () => {
    const session = (await a().sessions.createSession(loginRequest('bob', 'bobPass123'))).session!;
    expect((await b().sessions.createSession(loginRequest('bob', 'bobPass123'))).session!.token).toBe(session.token);
    await a().users.updateUser({ id: a().idOf('bob'), password: 'bobNewPass456', oldPassword: 'bobPass123' }, withToken(session.token));
    await until(async () =>
      b()
        .sessions.createSession(loginRequest('bob', 'bobPass123'))
        .then(
          () => false,
          (e: { code?: Status }) => e.code === Status.UNAUTHENTICATED,
        ),
    );
  });

  it('keep no token, password or key in Redis in the clear', async () => {
    const token = (await a().sessions.createSession(loginRequest('alice', 'alicePass1!'))).session!.token;
    const held = (await heldInRedis(redis.url)).text;
    expect(held).toContain('user-session:');
    for (const secret of [token, 'alicePass1!', 'bobPass123', key, app.authSecret]) expect(held).not.toContain(secret);
  });
});
