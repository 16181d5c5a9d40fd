import { Metadata, Status } from 'nice-grpc';
import { until } from '../support/shared-stores';
import { callerKeys, type Stack, startStack, type UpstreamName, upstreams } from './harness';

/** The routes a lookup may take: the single ones and the list a merged lookup becomes. */
function routesOf(upstream: UpstreamName) {
  return upstream === 'connectycube'
    ? { list: ['GET /users/v2'], all: ['GET /users/v2'] }
    : {
        list: ['GET /users.json'],
        all: ['GET /users.json', 'GET /users/{id}.json', 'GET /users/by_login.json', 'GET /users/by_email.json', 'GET /users/phone.json'],
      };
}

async function listingRefused(stack: Stack): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${stack.gateway.metricsPort}/metrics`)).text();
  return Number(/^qb_user_listing_refused\{application="default"\} (\d+)/m.exec(text)?.[1]);
}

/**
 * An application whose dashboard forbids listing users ("Allow to retrieve a
 * list of users via API" unticked): every lookup answers as it would alone,
 * whatever coalescing merged it with (README, "Listing turned off").
 */
describe.each(upstreams)('lookups in front of %s with listing turned off', (upstream) => {
  const routes = routesOf(upstream);
  const sent = (status?: number) => routes.all.reduce((n, r) => n + stack.emulator.state.count(r, status), 0);
  let stack: Stack;
  let known: { alice: bigint; bob: bigint };
  const allowListing = (on: boolean) => {
    stack.emulator.state.apps.get(12345)!.settings.listUsers = on;
  };

  beforeEach(async () => {
    stack = await startStack({ upstream, env: { QB_LISTING_RECHECK_MS: '60000' } });
    allowListing(false);
    known = { alice: stack.idOf('alice'), bob: stack.idOf('bob') };
    await stack.users.getUser({ id: known.alice }); // the application session
  });
  afterEach(() => stack.close());

  it('concurrent GetUser calls, ids known and unknown, each get what a call alone would', async () => {
    const unknown = new Set([7n, 8n]);
    const asked = [known.alice, known.bob, 7n, known.alice, known.bob, known.alice, 8n, known.bob];
    const results = await Promise.allSettled(asked.map((id) => stack.users.getUser({ id })));
    results.forEach((r, i) => {
      if (unknown.has(asked[i]!)) expect(r).toMatchObject({ status: 'rejected', reason: { code: Status.NOT_FOUND } });
      else expect(r).toMatchObject({ status: 'fulfilled', value: { user: { id: asked[i] } } });
    });
    expect(await listingRefused(stack)).toBe(1);
    // Remembered: the next burst is never merged, and the upstream refuses nothing more.
    const refusedBefore = sent(403);
    const again = await Promise.all([known.alice, known.bob, known.alice].map((id) => stack.users.getUser({ id })));
    expect(again.map((r) => r.user?.id)).toEqual([known.alice, known.bob, known.alice]);
    expect(sent(403)).toBe(refusedBefore);
  });

  it.each([
    ['login', ['alice', 'bob', 'nobody-here']],
    ['email', ['alice@example.com', 'bob@example.com', 'nobody@example.com']],
    ['phone', ['+15550100', '+15550199']],
  ] as const)('concurrent FindUser by %s each get what a call alone would', async (field, values) => {
    const asked = [...values, ...values];
    const results = await Promise.allSettled(asked.map((value) => stack.users.findUser({ key: { $case: field, value } })));
    const users = [...stack.emulator.state.apps.get(12345)!.users.byId.values()];
    results.forEach((r, i) => {
      const user = users.find((u) => (u as unknown as Record<string, unknown>)[field] === asked[i]);
      if (user) expect(r).toMatchObject({ status: 'fulfilled', value: { user: { id: BigInt(user.id) } } });
      else expect(r).toMatchObject({ status: 'rejected', reason: { code: Status.NOT_FOUND } });
    });
  });

  it.each([
    ['coalescing on', {}],
    ['coalescing off', { QB_COALESCE_WINDOW_MS: '0' }],
  ])('GetUsers reads the ids one by one and answers in order (%s)', async (_, env) => {
    await stack.close();
    stack = await startStack({ upstream, env: { QB_LISTING_RECHECK_MS: '60000', ...env } });
    allowListing(false);
    const { users } = await stack.users.getUsers({ ids: [known.bob, 7n, known.alice, known.bob] });
    expect(users.map((u) => u.id)).toEqual([known.bob, known.alice, known.bob]);
    expect(await listingRefused(stack)).toBe(1);
  });

  it('under the emulator rate limit, 40 concurrent lookups fall back with no upstream 429', async () => {
    await stack.close();
    stack = await startStack({
      upstream,
      emulator: { rateLimitPerSecond: 10 },
      env: { QB_RATE_LIMIT: '10', QB_RATE_LIMIT_MAX_WAIT_MS: '10000', QB_LISTING_RECHECK_MS: '60000' },
    });
    allowListing(false);
    const app = stack.emulator.state.apps.get(12345)!;
    for (let i = 0; i < 20; i++) stack.emulator.state.seedUser(app, { login: `user${i}`, password: 'userPass123' });
    const ids = [...app.users.byId.keys()].map(BigInt);
    const asked = Array.from({ length: 40 }, (_, i) => ids[i % ids.length]!);
    const replies = await Promise.all(asked.map((id) => stack.users.getUser({ id })));
    expect(replies.map((r) => r.user?.id)).toEqual(asked);
    expect(sent(429)).toBe(0);
  }, 30_000);

  it('stops merging while the refusal is remembered, and merges again once it lapses', async () => {
    await stack.close();
    stack = await startStack({ upstream, env: { QB_LISTING_RECHECK_MS: '300' } });
    allowListing(false);
    await Promise.all([known.alice, known.bob].map((id) => stack.users.getUser({ id })));
    expect(await listingRefused(stack)).toBe(1);
    allowListing(true);
    await until(async () => (await listingRefused(stack)) === 0);
    const listed = () => routes.list.reduce((n, r) => n + stack.emulator.state.count(r, 200), 0);
    const before = { listed: listed(), all: sent() };
    const replies = await Promise.all([known.alice, known.bob, known.alice].map((id) => stack.users.getUser({ id })));
    expect(replies.map((r) => r.user?.id)).toEqual([known.alice, known.bob, known.alice]);
    // One merged request, no single ones.
    expect([listed() - before.listed, sent() - before.all]).toEqual([1, 1]);
  });

  it('ListUsers is a listing: PERMISSION_DENIED FORBIDDEN naming the setting, but for a caller with owner powers where the gateway has an API key', async () => {
    const query = upstream === 'connectycube' ? { query: { $case: 'tags' as const, value: { tags: ['web'] } } } : {};
    const asService = { metadata: Metadata({ authorization: `Bearer ${callerKeys.serviceA}` }) };
    await expect(stack.users.listUsers(query, asService)).rejects.toMatchObject({ code: Status.PERMISSION_DENIED });
    // The harness calls as the owner: QuickBlox reads with the API key once the application session is refused; ConnectyCube has no key.
    if (upstream === 'quickblox') expect((await stack.users.listUsers(query)).users.map((u) => u.login)).toEqual(expect.arrayContaining(['alice', 'bob']));
    else await expect(stack.users.listUsers(query)).rejects.toMatchObject({ code: Status.PERMISSION_DENIED });
  });
});
