import * as grpc from '@grpc/grpc-js';
import { createChannel, createClient, Status } from 'nice-grpc';
import { ServerReflectionService } from 'nice-grpc-server-reflection';
import { ServerReflectionRequest, type ServerReflectionResponse } from 'nice-grpc-server-reflection/lib/proto/grpc/reflection/v1/reflection_pb';
import { request } from 'undici';
import { HealthDefinition, HealthCheckResponse_ServingStatus as Serving } from '../../gen/grpc/health/v1/health';
import { tracingStarted } from '../../server/tracing/tracing';
import { expectError, type Stack, startStack, withToken } from './harness';

const get = async (stack: Stack, path: string) => {
  const res = await request(`http://127.0.0.1:${stack.gateway.metricsPort}${path}`);
  return { status: res.statusCode, text: await res.body.text() };
};

/** The value of one sample of the Prometheus text exposition, by metric name and exact labels. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const m = /^[^{ ]+(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const have = Object.fromEntries([...(m[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[2]);
  }
  return undefined;
}

describe('metrics and probes on the operator port', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ prewarm: true });
  });
  afterAll(() => stack.close());

  it('serves the gRPC, upstream, session, cache, clock and process metrics with bounded labels', async () => {
    const alice = stack.idOf('alice');
    const { session } = await stack.sessions.createSession({
      subject: { $case: 'user', value: { method: { $case: 'loginPassword', value: { login: 'alice', password: 'alicePass1!' } } } },
    });
    for (let i = 0; i < 5; i++) await stack.users.getUser({ id: alice });
    await stack.users.getUser({ id: 999_999n }).catch(() => undefined);
    await stack.users.getUser({ id: alice }, withToken(session!.token));
    const { status, text } = await get(stack, '/metrics');
    expect(status).toBe(200);
    expect(
      sample(text, 'grpc_server_handled_total', { grpc_service: 'quickblox.v1.UserService', grpc_method: 'GetUser', grpc_code: 'OK' }),
    ).toBeGreaterThanOrEqual(6);
    expect(sample(text, 'grpc_server_handled_total', { grpc_method: 'GetUser', grpc_code: 'NOT_FOUND' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'qb_upstream_requests_total', { method: 'GET', route: '/users/{id}.json', status_class: '2xx' })).toBe(6);
    expect(sample(text, 'qb_upstream_requests_total', { method: 'GET', route: '/users/{id}.json', status_class: '4xx' })).toBe(1);
    expect(sample(text, 'qb_upstream_request_duration_seconds_count', { method: 'GET', route: '/users/{id}.json', status_class: '2xx' })).toBe(6);
    expect(sample(text, 'qb_sessions_created_total', { kind: 'application', result: 'success' })).toBe(1);
    expect(sample(text, 'qb_sessions_created_total', { kind: 'user', result: 'success' })).toBe(1);
    expect(sample(text, 'qb_token_cache_events_total', { cache: 'application', event: 'hit' })).toBeGreaterThanOrEqual(6);
    expect(sample(text, 'qb_token_cache_entries', { cache: 'application' })).toBe(1);
    expect(sample(text, 'qb_upstream_retries_total', { kind: 'session_replay' })).toBe(0);
    expect(sample(text, 'qb_upstream_clock_offset_seconds', {})).toBe(0);
    expect(sample(text, 'process_cpu_user_seconds_total', {})).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_eventloop_lag_seconds', {})).toBeDefined();
    // No label carries an id, a login or a token.
    for (const secret of [String(alice), 'alice', session!.token, stack.gateway.upstream.applicationSession.peek()!.token]) {
      expect(text.split('\n').filter((l) => !l.startsWith('#') && l.includes(secret))).toEqual([]);
    }
  });

  it('counts replays after a forced expiry', async () => {
    stack.emulator.state.sessions.expireAll();
    await stack.users.getUser({ id: stack.idOf('bob') });
    const { text } = await get(stack, '/metrics');
    expect(sample(text, 'qb_upstream_retries_total', { kind: 'session_replay' })).toBe(1);
    expect(sample(text, 'qb_token_cache_events_total', { cache: 'application', event: 'miss' })).toBeGreaterThanOrEqual(1);
  });

  it('leaves tracing out of the call path when no OpenTelemetry SDK runs: no traceparent upstream', async () => {
    expect(tracingStarted()).toBe(false);
    await stack.users.getUser({ id: stack.idOf('alice') });
    const received = stack.emulator.state.requestLog.filter((r) => r.route === 'GET /users/{id}.json').at(-1)!;
    expect(received.traceparent).toBeUndefined();
  });

  it('answers /healthz, /readyz and unknown paths', async () => {
    expect(await get(stack, '/healthz')).toEqual({ status: 200, text: 'ok\n' });
    expect(await get(stack, '/readyz')).toEqual({ status: 200, text: '{"ready":true}\n' });
    expect((await get(stack, '/nope')).status).toBe(404);
  });

  it('serves grpc.health.v1.Health: Check, List, and NOT_FOUND for an unknown service', async () => {
    const health = createClient(HealthDefinition, stack.channel);
    expect(await health.check({ service: '' })).toEqual({ status: Serving.SERVING });
    expect(await health.check({ service: 'quickblox.v1.UserService' })).toEqual({ status: Serving.SERVING });
    const { statuses } = await health.list({});
    expect(Object.keys(statuses).sort()).toEqual([
      '',
      'liveness',
      'quickblox.v1.SessionService',
      'quickblox.v1.UserService',
      'quickblox.v1.application.default',
    ]);
    await expect(health.check({ service: 'nope.Service' })).rejects.toMatchObject({ code: Status.NOT_FOUND });
  });

  it('answers reflection over v1alpha too (same messages, the older path)', async () => {
    const def = ServerReflectionService.serverReflectionInfo;
    const raw = new grpc.Client(`127.0.0.1:${stack.gateway.port}`, grpc.credentials.createInsecure());
    const names = await new Promise<string[]>((resolve, reject) => {
      const call = raw.makeBidiStreamRequest('/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo', def.requestSerialize, def.responseDeserialize);
      call.on('data', (res: ServerReflectionResponse) => {
        resolve(
          res
            .getListServicesResponse()!
            .getServiceList()
            .map((s) => s.getName()),
        );
        call.end();
      });
      call.on('error', reject);
      call.write(new ServerReflectionRequest().setListServices('*'));
    });
    raw.close();
    expect(names).toEqual(expect.arrayContaining(['quickblox.v1.SessionService', 'quickblox.v1.UserService', 'grpc.health.v1.Health']));
  });
});

describe('health follows readiness', () => {
  it('is NOT_SERVING until the upstream accepts the gateway, SERVING then, NOT_SERVING from the start of a shutdown; Watch ends with it', async () => {
    const stack = await startStack({ prewarm: false });
    const channel = createChannel(`127.0.0.1:${stack.gateway.port}`);
    try {
      const health = createClient(HealthDefinition, channel);
      expect(await health.check({ service: '' })).toEqual({ status: Serving.NOT_SERVING });
      expect((await get(stack, '/readyz')).status).toBe(503);
      // Not ready, yet alive: a liveness probe must not restart a gateway that waits for the upstream.
      expect(await health.check({ service: 'liveness' })).toEqual({ status: Serving.SERVING });
      const seen: Serving[] = [];
      const watching = (async () => {
        for await (const { status } of health.watch({ service: 'quickblox.v1.UserService' })) {
          seen.push(status);
          if (status === Serving.SERVING) void stack.gateway.shutdown(1000);
        }
      })();
      // The first call creates the application session: the gateway becomes ready.
      await new Promise<void>((resolve) => {
        const check = () => (seen.length > 0 ? resolve() : setImmediate(check));
        check();
      });
      await stack.users.getUser({ id: stack.idOf('alice') });
      await watching;
      expect(seen).toEqual([Serving.NOT_SERVING, Serving.SERVING, Serving.NOT_SERVING]);
    } finally {
      channel.close();
      await stack.close();
    }
  });
});

// One upstream request per call in these (QB_COALESCE_WINDOW_MS=0): coalescing under a rate limit is tested on its own.
describe('the gateway rate limit (QB_RATE_LIMIT)', () => {
  it('refuses at once what cannot go within the wait allowed, before it reaches the upstream', async () => {
    const stack = await startStack({ env: { QB_RATE_LIMIT: '5', QB_RATE_LIMIT_MAX_WAIT_MS: '0', QB_COALESCE_WINDOW_MS: '0' }, prewarm: true });
    try {
      await new Promise<void>((resolve) => (stack.gateway.readiness.state().ready ? resolve() : stack.gateway.readiness.onChange(() => resolve())));
      const results = await Promise.allSettled(Array.from({ length: 12 }, () => stack.users.getUser({ id: stack.idOf('alice') })));
      const refused = results.filter((r) => r.status === 'rejected');
      expect(refused.length).toBeGreaterThan(0);
      await expectError(Promise.reject((refused[0] as PromiseRejectedResult).reason), { code: Status.RESOURCE_EXHAUSTED, reason: 'RATE_LIMITED' });
      expect(stack.emulator.state.count('GET /users/{id}.json')).toBe(12 - refused.length);
      const { text } = await get(stack, '/metrics');
      expect(sample(text, 'qb_rate_limit_rejections_total', { source: 'gateway' })).toBe(refused.length);
    } finally {
      await stack.close();
    }
  });

  it('set to the upstream limit, a burst of four times it over 20 workers meets no upstream 429', async () => {
    // Measured before the sliding window: 47 of 100 such calls hit a 429 (the token bucket let about 2N through at first).
    const stack = await startStack({
      env: { QB_RATE_LIMIT: '25', QB_RATE_LIMIT_MAX_WAIT_MS: '10000', QB_COALESCE_WINDOW_MS: '0' },
      emulator: { rateLimitPerSecond: 25 },
      prewarm: true,
    });
    try {
      await new Promise<void>((resolve) => (stack.gateway.readiness.state().ready ? resolve() : stack.gateway.readiness.onChange(() => resolve())));
      const id = stack.idOf('alice');
      let left = 100;
      const worker = async () => {
        while (left-- > 0) await stack.users.getUser({ id });
      };
      await Promise.all(Array.from({ length: 20 }, worker));
      expect(stack.emulator.state.count('GET /users/{id}.json', 200)).toBe(100);
      expect(stack.emulator.state.count('GET /users/{id}.json', 429)).toBe(0);
    } finally {
      await stack.close();
    }
  }, 20_000);

  it('makes a burst wait its turn when the wait allowed covers it', async () => {
    const stack = await startStack({ env: { QB_RATE_LIMIT: '20', QB_RATE_LIMIT_MAX_WAIT_MS: '5000', QB_COALESCE_WINDOW_MS: '0' } });
    try {
      const replies = await Promise.all(Array.from({ length: 30 }, () => stack.users.getUser({ id: stack.idOf('alice') })));
      expect(replies).toHaveLength(30);
      const { text } = await get(stack, '/metrics');
      expect(sample(text, 'qb_rate_limit_wait_seconds_count', {})).toBeGreaterThan(0);
      expect(sample(text, 'qb_rate_limit_rejections_total', { source: 'gateway' })).toBe(0);
    } finally {
      await stack.close();
    }
  });
});
