import { SessionServiceDefinition, UserServiceDefinition } from '../../gen/index.quickblox.v1';
import { mapUpstreamError } from '../../server/errors/upstream-error-mapping';
import { quickbloxRoutes } from '../../server/flavours/quickblox/routes';
import { tokenPolicy } from '../../server/services/token-policy';
import { backoffDelay } from '../../server/upstream/backoff';
import { compose, type Send, type UpstreamInterceptor, type UpstreamRequest } from '../../server/upstream/interceptor';
import { type RetryRule, readRetry } from '../../server/upstream/retry-policy';
import { expectSuccess } from '../../server/upstream/stages/expect-success';
import { retry } from '../../server/upstream/stages/retry';
import { createUpstreamClock } from '../../server/upstream/upstream-clock';
import { sharedWording, UpstreamError } from '../../server/upstream/upstream-error';
import { noObserver, type RetryKind } from '../../server/upstream/upstream-observer';

const request = (call = quickbloxRoutes.userById(7)): UpstreamRequest => ({
  call,
  credential: { kind: 'application' },
  scope: { upstreamRequests: 0 },
  headers: {},
});

describe('the upstream pipeline', () => {
  it('composes stages outermost first', async () => {
    const seen: string[] = [];
    const stage =
      (name: string): UpstreamInterceptor =>
      (next) =>
      async (req) => {
        seen.push(`${name} in`);
        const res = await next(req);
        seen.push(`${name} out`);
        return res;
      };
    const send = compose([stage('a'), stage('b')], async () => {
      seen.push('transport');
      return { status: 200, headers: {}, body: {} };
    });
    await send(request());
    expect(seen).toEqual(['a in', 'b in', 'transport', 'b out', 'a out']);
  });

  it('repeats what a retry rule names, as often as it says, and nothing else', async () => {
    const statuses = (list: number[]): Send => {
      let i = 0;
      return async () => ({ status: list[i++] ?? 200, headers: {}, body: {} });
    };
    const retries: RetryKind[] = [];
    const observer = { ...noObserver, retry: (kind: RetryKind) => void retries.push(kind) };
    const rule: RetryRule = { ...readRetry, backoff: undefined };
    const clock = createUpstreamClock();
    const pipeline = (transport: Send) =>
      compose([retry(rule, observer), expectSuccess(clock, { header: 'qb-token-expirationdate', now: Date.now }, sharedWording)], transport);

    await expect(pipeline(statuses([503, 200]))(request())).resolves.toMatchObject({ status: 200 });
    expect(retries).toEqual(['read_retry']);
    // Two tries in all: a second 503 is the caller's answer.
    await expect(pipeline(statuses([503, 503, 200]))(request())).rejects.toMatchObject({ kind: 'bad_gateway', status: 503 });
    // A write is never repeated, and a 500 is not a failure the rule names.
    await expect(pipeline(statuses([503, 200]))(request(quickbloxRoutes.updateUser(7)))).rejects.toBeInstanceOf(UpstreamError);
    await expect(pipeline(statuses([500, 200]))(request())).rejects.toMatchObject({ kind: 'server_error' });
    expect(retries).toEqual(['read_retry', 'read_retry']);
  });

  it('builds each route once from its template', () => {
    expect(quickbloxRoutes.userById(42n)).toEqual({ method: 'GET', route: '/users/{id}.json', path: '/users/42.json', resource: 'user' });
    expect(quickbloxRoutes.createUserToken(5)).toMatchObject({ method: 'POST', route: '/users/{id}/tokens', path: '/users/5/tokens' });
    expect(quickbloxRoutes.getSession).toBe(quickbloxRoutes.getSession);
  });

  it('backs off by its numbers', () => {
    const backoff = { initialMs: 1000, multiplier: 2, maxMs: 30_000, jitterMs: 100 };
    expect([0, 1, 2, 5, 9].map((n) => backoffDelay(backoff, n, () => 0))).toEqual([1000, 2000, 4000, 30_000, 30_000]);
    expect(backoffDelay(backoff, 0, () => 0.5)).toBe(1050);
  });

  it('keeps the cause of a request that got no answer', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    const error = new UpstreamError('unreachable', '/users/{id}.json', undefined, undefined, { cause });
    expect(error.cause).toBe(cause);
    expect(error.message).toBe('upstream /users/{id}.json unreachable: connect ECONNREFUSED 127.0.0.1:9');
    expect(error.answered).toBe(false);
  });
});

describe('the token policy', () => {
  it('names every RPC of both services, and nothing else', () => {
    const rpcs = [SessionServiceDefinition, UserServiceDefinition].flatMap((service) => Object.values(service.methods).map((m) => m.name)).sort();
    expect(Object.keys(tokenPolicy).sort()).toEqual(rpcs);
  });
});

describe('error mapping', () => {
  it('keeps the UpstreamError as the cause of the gRPC error', () => {
    const error = new UpstreamError('status', '/users/{id}.json', 404, { errors: ['Not found'] });
    expect(mapUpstreamError(error, { credential: 'application', upstream: 'QuickBlox' }).cause).toBe(error);
  });
});
