import { Status } from 'nice-grpc';
import { errorInfoOf, expectError, retryInfoOf, type Stack, startStack } from './harness';

const metric = async (stack: Stack, name: string, labels = '') => {
  // Every series carries its application: the stack's one is `default`.
  const labelled = `{application="default"${labels ? `,${labels.slice(1, -1)}` : ''}}`;
  const res = await fetch(`http://127.0.0.1:${stack.gateway.metricsPort}/metrics`);
  const line = (await res.text()).split('\n').find((l) => l.startsWith(`${name}${labelled} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
};

describe('the circuit breaker', () => {
  let stack: Stack;
  beforeEach(async () => {
    stack = await startStack({ env: { QB_BREAKER_FAILURES: '3', QB_BREAKER_OPEN_MS: '300' } });
  });
  afterEach(() => stack.close());
  const reads = () => stack.emulator.state.count('GET /users/{id}.json');

  it('opens after a run of 5xx, fails at once with RetryInfo while open, probes half open and closes on success', async () => {
    const id = stack.idOf('alice');
    await stack.users.getUser({ id }); // the application session, before the outage
    stack.emulator.state.setFaults({ errorRate: 1, errorStatus: 503, match: '^GET /users' });
    await expectError(stack.users.getUser({ id }), { code: Status.UNAVAILABLE, reason: 'UPSTREAM_UNAVAILABLE' });
    await expectError(stack.users.getUser({ id }), { code: Status.UNAVAILABLE, reason: 'UPSTREAM_UNAVAILABLE' });
    expect(await metric(stack, 'qb_upstream_circuit_state')).toBe(2);
    const before = reads();
    // While open: no upstream request at all for these calls, and a delay to retry after.
    for (let i = 0; i < 5; i++) {
      const error = await expectError(stack.users.getUser({ id }), { code: Status.UNAVAILABLE, reason: 'UPSTREAM_UNAVAILABLE' });
      expect(errorInfoOf(error)?.metadata.circuit).toBe('open');
      expect(retryInfoOf(error)?.retryDelay?.seconds).toBe(1);
    }
    expect(reads() - before).toBe(0);
    stack.emulator.state.setFaults({ errorRate: 0 });
    await new Promise((resolve) => setTimeout(resolve, 350));
    await expect(stack.users.getUser({ id })).resolves.toMatchObject({ user: { login: 'alice' } });
    expect(reads() - before).toBe(1); // the one probe
    expect(await metric(stack, 'qb_upstream_circuit_state')).toBe(0);
  });

  it('never opens for 4xx answers', async () => {
    for (let i = 0; i < 6; i++) await expectError(stack.users.getUser({ id: 424242n }), { code: Status.NOT_FOUND, reason: 'USER_NOT_FOUND' });
    expect(await metric(stack, 'qb_upstream_circuit_state')).toBe(0);
  });

  it('a half-open probe that fails opens it again', async () => {
    const id = stack.idOf('alice');
    await stack.users.getUser({ id });
    stack.emulator.state.setFaults({ errorRate: 1, errorStatus: 502, match: '^GET /users' });
    for (let i = 0; i < 3; i++) await stack.users.getUser({ id }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 350));
    const before = reads();
    await expectError(stack.users.getUser({ id }), { code: Status.UNAVAILABLE, reason: 'UPSTREAM_UNAVAILABLE' });
    expect(reads() - before).toBe(1);
    expect(await metric(stack, 'qb_upstream_circuit_state')).toBe(2);
  });
});

describe('the retry budget', () => {
  it('lets retries stop during a long outage: at most a few beyond one request per call', async () => {
    const stack = await startStack({ env: { QB_BREAKER_FAILURES: '0' } });
    try {
      const id = stack.idOf('alice');
      await stack.users.getUser({ id });
      stack.emulator.state.setFaults({ errorRate: 1, errorStatus: 503, match: '^GET /users' });
      const before = stack.emulator.state.count('GET /users/{id}.json');
      for (let i = 0; i < 40; i++) await stack.users.getUser({ id }).catch(() => undefined);
      const sent = stack.emulator.state.count('GET /users/{id}.json') - before;
      // Without the budget every call would try twice (80 requests).
      expect(sent).toBeLessThanOrEqual(43);
      expect(await metric(stack, 'qb_upstream_retries_refused_total', '{kind="read_retry"}')).toBeGreaterThanOrEqual(37);
    } finally {
      await stack.close();
    }
  });
});
