import fc from 'fast-check';
import { Status } from 'nice-grpc';
import { expectError, loginRequest, type Stack, startStack, upstreams, withToken } from './harness';

/** Lookups by id coalesced into one upstream request (QB_COALESCE_WINDOW_MS, on by default). */
describe.each(upstreams)('coalescing in front of %s', (upstream) => {
  let stack: Stack;
  let ids: bigint[];
  const single = upstream === 'connectycube' ? 'GET /users/v2' : 'GET /users/{id}.json';
  const reads = () => stack.emulator.state.count(single) + (upstream === 'quickblox' ? stack.emulator.state.count('GET /users.json') : 0);
  beforeAll(async () => {
    stack = await startStack({ upstream, emulator: { rateLimitPerSecond: 10 }, env: { QB_RATE_LIMIT: '10', QB_RATE_LIMIT_MAX_WAIT_MS: '10000' } });
    const app = stack.emulator.state.apps.get(12345)!;
    for (let i = 0; i < 150; i++) stack.emulator.state.seedUser(app, { login: `user${i}`, password: 'userPass123' });
    ids = [...app.users.byId.keys()].map(BigInt);
    await stack.users.getUser({ id: ids[0]! }); // the application session
  });
  afterAll(() => stack.close());

  it('gives each concurrent caller what its own call would: its user, or NOT_FOUND', async () => {
    const byId = new Map([...stack.emulator.state.apps.get(12345)!.users.byId.values()].map((u) => [BigInt(u.id), u.login]));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.constantFrom(...ids), fc.bigInt({ min: 1n, max: 99n })), { minLength: 1, maxLength: 60 }), async (asked) => {
        const before = reads();
        const results = await Promise.allSettled(asked.map((id) => stack.users.getUser({ id })));
        results.forEach((r, i) => {
          const login = byId.get(asked[i]!);
          if (login) expect(r).toMatchObject({ status: 'fulfilled', value: { user: { id: asked[i], login } } });
          else expect(r).toMatchObject({ status: 'rejected', reason: { code: Status.NOT_FOUND } });
        });
        // At most one request per 100 distinct ids, and a few more for batches the window split.
        expect(reads() - before).toBeLessThanOrEqual(3);
      }),
      { numRuns: 15 },
    );
  }, 60_000);

  it('under the rate limit the batch grows instead of the queue: 300 lookups, 10 requests a second, no 429', async () => {
    const before = reads();
    const started = Date.now();
    const replies = await Promise.all(Array.from({ length: 300 }, (_, i) => stack.users.getUser({ id: ids[i % ids.length]! })));
    expect(replies.map((r) => r.user?.id)).toEqual(Array.from({ length: 300 }, (_, i) => ids[i % ids.length]));
    expect(reads() - before).toBeLessThanOrEqual(8);
    expect(stack.emulator.state.count(single, 429) + stack.emulator.state.count('GET /users.json', 429)).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
    const metrics = await (await fetch(`http://127.0.0.1:${stack.gateway.metricsPort}/metrics`)).text();
    expect(Number(/^qb_upstream_requests_saved_total\{application="default"\} (\d+)/m.exec(metrics)?.[1])).toBeGreaterThan(250);
  }, 20_000);

  it('GetUsers joins the same batches and keeps its order; missing ids are left out', async () => {
    const asked = [ids[3]!, 77n, ids[1]!, ids[3]!];
    const [a, b] = await Promise.all([stack.users.getUsers({ ids: asked }), stack.users.getUser({ id: ids[1]! })]);
    expect(a.users.map((u) => u.id)).toEqual([ids[3], ids[1], ids[3]]);
    expect(b.user?.id).toBe(ids[1]);
  });

  it('identical reads in flight share one request; one caller leaving does not abandon it for the others', async () => {
    const route = upstream === 'connectycube' ? 'GET /users/v2' : 'GET /users/by_login.json';
    stack.emulator.state.setFaults({ latencyMs: 150, match: upstream === 'connectycube' ? '^GET /users/v2' : 'by_login' });
    try {
      const before = stack.emulator.state.count(route);
      const find = (deadline?: Date) => stack.users.findUser({ key: { $case: 'login', value: 'user7' } }, deadline ? { deadline } : {});
      const [leaver, ...stayers] = await Promise.allSettled([find(new Date(Date.now() + 50)), ...Array.from({ length: 9 }, () => find())]);
      expect(leaver).toMatchObject({ status: 'rejected', reason: { code: Status.DEADLINE_EXCEEDED } });
      expect(stayers.every((r) => r.status === 'fulfilled' && r.value.user?.login === 'user7')).toBe(true);
      expect(stack.emulator.state.count(route) - before).toBe(1);
    } finally {
      stack.emulator.state.setFaults({ latencyMs: 0, match: '' });
    }
  });

  it('never shares a request between different credentials', async () => {
    const token = (await stack.sessions.createSession(loginRequest('alice', 'alicePass1!'))).session!.token;
    const before = reads();
    await Promise.all([stack.users.getUser({ id: ids[5]! }, withToken(token)), stack.users.getUser({ id: ids[6]! })]);
    expect(reads() - before).toBe(2);
    await expectError(stack.users.getUser({ id: ids[5]! }, withToken('not-a-live-token')), { code: Status.UNAUTHENTICATED, reason: 'SESSION_EXPIRED' });
  });
});

/** FindUser by login, email and phone coalesced the same way, without a rate limit: these tests count requests, not waits. */
describe.each(upstreams)('FindUser coalescing in front of %s', (upstream) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ upstream });
    const app = stack.emulator.state.apps.get(12345)!;
    for (let i = 0; i < 150; i++) stack.emulator.state.seedUser(app, { login: `user${i}`, password: 'userPass123' });
    await stack.users.getUser({ id: stack.idOf('alice') }); // the application session
  });
  afterAll(() => stack.close());

  it('coalesces FindUser by login, email and phone the same way: each caller gets what its own call would', async () => {
    const finds = () =>
      (upstream === 'connectycube'
        ? ['GET /users/v2']
        : ['GET /users.json', 'GET /users/by_login.json', 'GET /users/by_email.json', 'GET /users/phone.json']
      ).reduce((n, route) => n + stack.emulator.state.count(route), 0);
    const users = [...stack.emulator.state.apps.get(12345)!.users.byId.values()];
    const known = users.flatMap((u) => [
      ...(u.login ? [{ $case: 'login' as const, value: u.login }] : []),
      ...(u.email ? [{ $case: 'email' as const, value: u.email }] : []),
      ...(u.phone ? [{ $case: 'phone' as const, value: u.phone }] : []),
    ]);
    const key = fc.oneof(
      fc.constantFrom(...known),
      fc.constantFrom('login', 'email').map(($case) => ($case === 'login' ? { $case, value: 'nobody-here' } : { $case, value: 'nobody@example.com' })),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(key, { minLength: 1, maxLength: 60 }), async (asked) => {
        const before = finds();
        const results = await Promise.allSettled(asked.map((k) => stack.users.findUser({ key: k })));
        results.forEach((r, i) => {
          const k = asked[i]!;
          const user = users.find((u) => (u as unknown as Record<string, unknown>)[k.$case] === k.value);
          if (user) expect(r).toMatchObject({ status: 'fulfilled', value: { user: { id: BigInt(user.id), login: user.login } } });
          else expect(r).toMatchObject({ status: 'rejected', reason: { code: Status.NOT_FOUND } });
        });
        // One request per kind of key asked (login, email, phone), and a few more for batches the window split.
        expect(finds() - before).toBeLessThanOrEqual(6);
      }),
      { numRuns: 10 },
    );
  }, 60_000);

  it('looks a login up alone when a list cannot carry it (QuickBlox joins lists with commas)', async () => {
    const route = upstream === 'connectycube' ? 'GET /users/v2' : 'GET /users/by_login.json';
    const before = stack.emulator.state.count(route);
    const [comma, plain] = await Promise.allSettled([
      stack.users.findUser({ key: { $case: 'login', value: 'a,b' } }),
      stack.users.findUser({ key: { $case: 'login', value: 'user3' } }),
    ]);
    expect(comma).toMatchObject({ status: 'rejected', reason: { code: Status.NOT_FOUND } });
    expect(plain).toMatchObject({ status: 'fulfilled', value: { user: { login: 'user3' } } });
    // ConnectyCube sends each value as a parameter of its own: both go in one list.
    expect(stack.emulator.state.count(route) - before).toBe(upstream === 'connectycube' ? 1 : 2);
  });
});
