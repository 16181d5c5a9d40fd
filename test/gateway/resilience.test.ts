import { Status } from 'nice-grpc';
import { callerKeys, expectError, loginRequest, retryInfoOf, routeOf, type Stack, startStack, upstreams, withToken } from './harness';

const aliceLogin = (password = 'alicePass1!') => loginRequest('alice', password);

describe.each(upstreams)('the application session on %s', (upstream) => {
  let stack: Stack;
  const createSession = routeOf(upstream, 'POST /session.json');
  const getUser = upstream === 'connectycube' ? 'GET /users/v2' : 'GET /users/{id}.json';
  // Lookups by id, single or coalesced into one batch (QuickBlox's batch is `GET /users.json`).
  const reads = (status: number) =>
    stack.emulator.state.count(getUser, status) + (upstream === 'quickblox' ? stack.emulator.state.count('GET /users.json', status) : 0);
  beforeEach(async () => {
    stack = await startStack({ upstream });
  });
  afterEach(() => stack.close());

  it('1,000 concurrent calls on a cold gateway cause exactly one upstream session creation', async () => {
    const id = stack.idOf('alice');
    const replies = await Promise.all(Array.from({ length: 1000 }, () => stack.users.getUser({ id })));
    expect(replies.every((r) => r.user!.login === 'alice')).toBe(true);
    expect(stack.emulator.state.count(createSession)).toBe(1);
    // Coalesced: far fewer reads than calls.
    expect(reads(200)).toBeGreaterThan(0);
    expect(reads(200)).toBeLessThanOrEqual(1000 / 10);
  });

  it('a forced expiry of every upstream session mid-traffic is invisible to callers', async () => {
    const id = stack.idOf('bob');
    let done = 0;
    let expired = false;
    const failures: unknown[] = [];
    const worker = async () => {
      for (let i = 0; i < 40; i++) {
        await stack.users.getUser({ id }).catch((e) => failures.push(e));
        if (++done === 300 && !expired) {
          expired = true;
          stack.emulator.state.sessions.expireAll();
        }
      }
    };
    await Promise.all(Array.from({ length: 20 }, worker));
    expect(failures).toEqual([]);
    expect(expired).toBe(true);
    // Some in-flight calls met the expiry; the session was re-created once and those calls replayed once.
    expect(reads(401)).toBeGreaterThan(0);
    expect(stack.emulator.state.count(createSession, 201)).toBe(2);
  });

  it('renews the session before its tracked expiry, in the background', async () => {
    const id = stack.idOf('alice');
    await stack.users.getUser({ id });
    const session = stack.gateway.upstream.applicationSession.peek()!;
    // Pretend the tracked expiry is near: the next call uses the current token and starts a renewal.
    session.expiresAt = Date.now() + 60_000;
    await stack.users.getUser({ id });
    await new Promise<void>((resolve) => {
      const check = () => (stack.emulator.state.count(createSession, 201) === 2 ? resolve() : setImmediate(check));
      check();
    });
    expect(stack.gateway.upstream.applicationSession.peek()!.token).not.toBe(session.token);
  });

  it('500 concurrent user CreateSession calls meet no nonce rejection', async () => {
    const replies = await Promise.all(Array.from({ length: 500 }, () => stack.sessions.createSession(aliceLogin())));
    expect(new Set(replies.map((r) => r.session!.token)).size).toBe(500);
    expect(stack.emulator.state.count(createSession, 201)).toBe(500);
    expect(stack.emulator.state.count(createSession, 422)).toBe(0);
  });
});

describe('the upstream clock', () => {
  it('two hours off: the first call still succeeds (the offset is learnt and the request signed again once)', async () => {
    const stack = await startStack({ emulator: { faults: { clockOffsetMs: 2 * 3600_000 } } });
    try {
      const { user } = await stack.users.getUser({ id: stack.idOf('alice') });
      expect(user!.login).toBe('alice');
      expect(stack.emulator.state.count('POST /session.json', 422)).toBe(1);
      expect(stack.emulator.state.count('POST /session.json', 201)).toBe(1);
      expect(Math.abs(stack.gateway.upstream.clock.offsetMs() - 2 * 3600_000)).toBeLessThan(2_000);
      // Expiries are reported on the gateway's clock: about two hours from now, not four.
      const { session } = await stack.sessions.createSession(aliceLogin());
      expect(Math.abs(session!.expiresAt!.getTime() - (Date.now() + 2 * 3600_000))).toBeLessThan(60_000);
    } finally {
      await stack.close();
    }
  });

  it('two hours behind: a user CreateSession as first call succeeds too', async () => {
    const stack = await startStack({ emulator: { faults: { clockOffsetMs: -2 * 3600_000 } } });
    try {
      const { session } = await stack.sessions.createSession(aliceLogin());
      expect(session!.userId).toBe(stack.idOf('alice'));
    } finally {
      await stack.close();
    }
  });
});

describe('upstream failures', () => {
  let stack: Stack;
  beforeAll(async () => {
    // One upstream request per call here: coalescing is tested on its own.
    stack = await startStack({ env: { QB_UPSTREAM_TIMEOUT_MS: '500', QB_COALESCE_WINDOW_MS: '0' } });
    await stack.users.getUser({ id: stack.idOf('alice') });
  });
  afterEach(() => stack.emulator.state.setFaults({ latencyMs: 0, failNext: 0, resetNext: 0, errorRate: 0, match: undefined }));
  afterAll(() => stack.close());

  it('a read meeting a 5xx or a dropped connection is retried once; a write is not', async () => {
    stack.emulator.state.setFaults({ failNext: 1, errorStatus: 503 });
    await expect(stack.users.getUser({ id: stack.idOf('alice') })).resolves.toBeTruthy();
    stack.emulator.state.setFaults({ resetNext: 1 });
    await expect(stack.users.getUser({ id: stack.idOf('alice') })).resolves.toBeTruthy();

    stack.emulator.state.setFaults({ failNext: 2, errorStatus: 503 });
    const error = await expectError(stack.users.getUser({ id: stack.idOf('alice') }), { code: Status.UNAVAILABLE, reason: 'UPSTREAM_UNAVAILABLE' });
    expect(error.details).not.toMatch(/<html/i);

    stack.emulator.state.setFaults({ failNext: 1, errorStatus: 502 });
    const before = stack.emulator.state.count('PUT /users/{id}.json');
    await expectError(stack.users.updateUser({ id: stack.idOf('bob'), user: { fullName: 'B' } }), { code: Status.UNAVAILABLE, reason: 'UPSTREAM_UNAVAILABLE' });
    expect(stack.emulator.state.count('PUT /users/{id}.json')).toBe(before + 1);
  });

  it('an upstream slower than QB_UPSTREAM_TIMEOUT_MS gives DEADLINE_EXCEEDED', async () => {
    stack.emulator.state.setFaults({ latencyMs: 2000 });
    await expectError(stack.users.getUser({ id: stack.idOf('alice') }), { code: Status.DEADLINE_EXCEEDED, reason: 'UPSTREAM_TIMEOUT' });
  });

  it("the caller's deadline is carried into the upstream request, which is abandoned when it passes", async () => {
    stack.emulator.state.setFaults({ latencyMs: 400 });
    const started = Date.now();
    await expect(stack.users.getUser({ id: stack.idOf('alice') }, { deadline: new Date(Date.now() + 100) })).rejects.toMatchObject({
      code: Status.DEADLINE_EXCEEDED,
    });
    expect(Date.now() - started).toBeLessThan(350);
    // The handler's log line shows the call ended by cancellation, well before the upstream would have answered.
    await new Promise<void>((resolve) => {
      const check = () => (stack.logs.some((l) => l.includes('"code":"CANCELLED"')) ? resolve() : setTimeout(check, 5));
      check();
    });
    const line = JSON.parse(stack.logs.find((l) => l.includes('"code":"CANCELLED"'))!) as { durationMs: number; method: string };
    expect(line.method).toBe('/quickblox.v1.UserService/GetUser');
    expect(line.durationMs).toBeLessThan(350);
  });

  it('the upstream rate limit gives RESOURCE_EXHAUSTED with RetryInfo', async () => {
    stack.emulator.state.rateLimitPerSecond = 1;
    try {
      const results = await Promise.allSettled(Array.from({ length: 5 }, () => stack.users.getUser({ id: stack.idOf('alice') })));
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(rejected.length).toBeGreaterThan(0);
      const error = await expectError(Promise.reject(rejected[0]!.reason), { code: Status.RESOURCE_EXHAUSTED, reason: 'RATE_LIMITED' });
      expect(retryInfoOf(error)!.retryDelay!.seconds).toBeGreaterThanOrEqual(1);
    } finally {
      stack.emulator.state.rateLimitPerSecond = 0;
    }
  });
});

describe("the gateway's own misconfiguration", () => {
  it("a wrong auth secret is reported as the gateway's problem and flips readiness", async () => {
    const stack = await startStack({ env: { QB_AUTH_SECRET: 'WrongSecretValue42' } });
    try {
      expect(stack.gateway.readiness.state()).toMatchObject({ ready: false, reason: 'starting' });
      const error = await expectError(stack.users.getUser({ id: stack.idOf('alice') }), { code: Status.UNAVAILABLE, reason: 'GATEWAY_MISCONFIGURED' });
      expect(error.details).toContain('misconfigured');
      expect(error.details).not.toContain('WrongSecretValue42');
      expect(stack.gateway.readiness.state()).toMatchObject({ ready: false, reason: 'misconfigured' });
      // A caller's own credentials are not blamed either.
      await expectError(stack.sessions.createSession(aliceLogin()), { code: Status.UNAVAILABLE, reason: 'GATEWAY_MISCONFIGURED' });
    } finally {
      await stack.close();
    }
  });

  it('an unknown application is reported the same way; readiness returns once the upstream accepts the gateway', async () => {
    const stack = await startStack({ env: { QB_APPLICATION_ID: '999' } });
    try {
      await expectError(stack.users.getUser({ id: 1n }), { code: Status.UNAVAILABLE, reason: 'GATEWAY_MISCONFIGURED' });
      expect(stack.gateway.readiness.state()).toMatchObject({ ready: false, reason: 'misconfigured' });
      stack.emulator.state.addApplication({ id: 999, authKey: 'AbCdEfGh12345', authSecret: 'S3cr3tS3cr3tXYZ', users: [] });
      await stack.users.listUsers({});
      expect(stack.gateway.readiness.state()).toEqual({ ready: true });
    } finally {
      await stack.close();
    }
  });

  it("a rejected API key is the gateway's problem, not the caller's", async () => {
    const stack = await startStack({ env: { QB_API_KEY: 'not-the-key' } });
    try {
      await expectError(stack.users.createUserToken({ userId: stack.idOf('bob') }), { code: Status.UNAVAILABLE, reason: 'GATEWAY_MISCONFIGURED' });
    } finally {
      await stack.close();
    }
  });

  it('an unreachable upstream is UNAVAILABLE', async () => {
    const stack = await startStack({ env: { QB_API_ENDPOINT: 'http://127.0.0.1:9' } });
    try {
      await expectError(stack.users.getUser({ id: 1n }), { code: Status.UNAVAILABLE, reason: 'UPSTREAM_UNAVAILABLE' });
      // The operator reads the system's reason, not only "unreachable".
      const line = stack.logs.map((l) => JSON.parse(l)).find((l) => l.method === '/quickblox.v1.UserService/GetUser');
      expect(line.cause).toMatch(/^upstream \/session\.json unreachable: .*ECONNREFUSED/);
    } finally {
      await stack.close();
    }
  });
});

describe('user session reuse (QB_REUSE_USER_SESSIONS)', () => {
  it('is off by default: each CreateSession makes a new session', async () => {
    const stack = await startStack();
    try {
      const [a, b] = await Promise.all([stack.sessions.createSession(aliceLogin()), stack.sessions.createSession(aliceLogin())]);
      expect(a.session!.token).not.toBe(b.session!.token);
    } finally {
      await stack.close();
    }
  });

  it('when on, one caller repeating the same credentials gets the live session; another caller does not', async () => {
    const stack = await startStack({ env: { QB_REUSE_USER_SESSIONS: 'true' } });
    try {
      const same = await Promise.all(Array.from({ length: 20 }, () => stack.sessions.createSession(aliceLogin())));
      expect(new Set(same.map((r) => r.session!.token)).size).toBe(1);
      expect(stack.emulator.state.count('POST /session.json', 201)).toBe(1);
      const token = same[0]!.session!.token;

      const other = await stack.sessions.createSession(aliceLogin(), { metadata: withToken('x', { authorization: `Bearer ${callerKeys.serviceB}` }).metadata });
      expect(other.session!.token).not.toBe(token);
      await expectError(stack.sessions.createSession(aliceLogin('wrongPass1!')), { code: Status.UNAUTHENTICATED, reason: 'BAD_CREDENTIALS' });
      expect((await stack.sessions.createSession(aliceLogin())).session!.token).toBe(token);
      expect(stack.gateway.userSessions!.size).toBe(2);

      // Logout and DestroySession drop the token from the cache.
      await stack.sessions.logout({}, withToken(token));
      const second = (await stack.sessions.createSession(aliceLogin())).session!.token;
      expect(second).not.toBe(token);
      await stack.sessions.destroySession({}, withToken(second));
      const third = (await stack.sessions.createSession(aliceLogin())).session!.token;
      expect(third).not.toBe(second);

      // An upstream 401 on a cached token drops it too.
      stack.emulator.state.sessions.expireAll();
      await expectError(stack.sessions.getSession({}, withToken(third)), { code: Status.UNAUTHENTICATED, reason: 'SESSION_EXPIRED' });
      expect((await stack.sessions.createSession(aliceLogin())).session!.token).not.toBe(third);
    } finally {
      await stack.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('lets an in-flight call finish within the grace period and refuses new calls', async () => {
    const stack = await startStack();
    try {
      const id = stack.idOf('alice');
      await stack.users.getUser({ id });
      stack.emulator.state.setFaults({ latencyMs: 300 });
      const upstream = stack.gateway.upstream;
      const send = upstream.send;
      const sent = new Promise<void>((resolve) => {
        upstream.send = (...args) => {
          resolve();
          return send(...args);
        };
      });
      const inFlight = stack.users.getUser({ id });
      await sent;
      const stopped = stack.gateway.shutdown(5_000);
      expect(stack.gateway.readiness.state()).toMatchObject({ ready: false, reason: 'draining' });
      await expect(inFlight).resolves.toMatchObject({ user: { login: 'alice' } });
      await stopped;
      await expect(stack.users.getUser({ id }, { deadline: new Date(Date.now() + 2000) })).rejects.toMatchObject({ code: Status.UNAVAILABLE });
    } finally {
      await stack.close();
    }
  });
});

describe('transport and signing options', () => {
  it('reaches the upstream over HTTPS with an extra trusted CA, and signs with SHA-256 when asked', async () => {
    const stack = await startStack({ https: true, env: { QB_SIGNATURE_HASH: 'sha256' } });
    try {
      expect(stack.gateway.upstream.hasApiKey).toBe(true);
      const { session } = await stack.sessions.createSession(aliceLogin());
      const { user } = await stack.users.getUser({ id: stack.idOf('bob') }, withToken(session!.token));
      expect(user!.login).toBe('bob');
      expect(stack.emulator.state.count('POST /session.json', 201)).toBe(1);
    } finally {
      await stack.close();
    }
  });

  it('refuses an upstream certificate it does not trust', async () => {
    const stack = await startStack({ https: true, env: { QB_API_CA_FILE: '' } });
    try {
      await expectError(stack.users.getUser({ id: 1n }), { code: Status.UNAVAILABLE, reason: 'UPSTREAM_UNAVAILABLE' });
      expect(stack.emulator.state.count('POST /session.json')).toBe(0);
    } finally {
      await stack.close();
    }
  });
});

describe('connection limits', () => {
  it('ages a client connection out after GRPC_MAX_CONNECTION_AGE_MS, and the client reconnects by itself', async () => {
    const stack = await startStack({ env: { GRPC_MAX_CONNECTION_AGE_MS: '300', GRPC_MAX_CONNECTION_AGE_GRACE_MS: '100' } });
    try {
      await stack.users.getUser({ id: stack.idOf('alice') });
      const channel = stack.channel;
      const ready = channel.getConnectivityState(false);
      // The server's GOAWAY moves the channel out of READY; wait for that event, at most 5 s.
      const changed = await new Promise<boolean>((resolve) => channel.watchConnectivityState(ready, Date.now() + 5000, (error) => resolve(!error)));
      expect({ ready, changed }).toEqual({ ready: 2, changed: true });
      expect((await stack.users.getUser({ id: stack.idOf('alice') })).user!.login).toBe('alice');
    } finally {
      await stack.close();
    }
  });
});
