import { createChannel, createClient, Status } from 'nice-grpc';
import { UserServiceDefinition } from '../../gen/quickblox/v1/user_service';
import { until } from '../support/shared-stores';
import { expectError, type Stack, startStack } from './harness';

/** Calls the gRPC server has started, from its own metrics. */
async function started(stack: Stack): Promise<number> {
  const text = await stack.gateway.metrics.registry.metrics();
  return [...text.matchAll(/^grpc_server_started_total\{[^}]*grpc_method="GetUser"[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
}

/**
 * The shutdown grace (SHUTDOWN_GRACE_MS). Before the fix, with channelz off
 * (`grpc.enable_channelz: 0`), grpc-js 1.14.7's `forceShutdown()` destroyed
 * nothing, so the first test's calls ran on until the upstream answered. The
 * reproduction, in grpc-js alone: start a `Server` with
 * `{'grpc.enable_channelz': 0}`, hold a unary call open, call `tryShutdown()`
 * then `forceShutdown()`: the call is not cancelled, because the session was
 * never put in `Server.sessions` (only `_channelzSessionHandler` does that).
 */
describe('shutdown', () => {
  let stack: Stack;
  const getUser = 'GET /users/{id}.json';
  beforeEach(async () => {
    // One upstream request per call: nothing merges them.
    stack = await startStack({ env: { QB_COALESCE_WINDOW_MS: '0' } });
    await stack.users.getUser({ id: stack.idOf('alice') }); // the application session
  });
  afterEach(() => stack.close());

  it('ends the calls still in flight when the grace is over: UNAVAILABLE SHUTTING_DOWN, their upstream requests abandoned', async () => {
    stack.emulator.state.setFaults({ latencyMs: 5000, match: '^GET /users/' });
    const answeredBefore = stack.emulator.state.count(getUser);
    const startedBefore = await started(stack);
    const calls = Array.from({ length: 20 }, () => stack.users.getUser({ id: stack.idOf('bob') }));
    const settled = Promise.allSettled(calls);
    await until(async () => (await started(stack)) >= startedBefore + 20);

    const done = stack.gateway.shutdown(300);
    const results = await settled;
    // Every call ended with a status before the upstream answered any of them.
    expect(stack.emulator.state.count(getUser)).toBe(answeredBefore);
    for (const r of results) expect(r).toMatchObject({ status: 'rejected', reason: { code: Status.UNAVAILABLE } });
    await expectError(calls[0]!, { code: Status.UNAVAILABLE, reason: 'SHUTTING_DOWN' });
    await done;
    expect(stack.emulator.state.count(getUser)).toBe(answeredBefore);
    expect(stack.logs.some((l) => l.includes('shutdown grace over') && l.includes('"cutOff":20'))).toBe(true);
  });

  it('lets calls shorter than the grace finish OK, and refuses a call on a new connection at once', async () => {
    stack.emulator.state.setFaults({ latencyMs: 300, match: '^GET /users/' });
    const startedBefore = await started(stack);
    const calls = Promise.all(Array.from({ length: 20 }, () => stack.users.getUser({ id: stack.idOf('bob') })));
    await until(async () => (await started(stack)) >= startedBefore + 20);
    const done = stack.gateway.shutdown(10_000);
    const fresh = createChannel(`127.0.0.1:${stack.gateway.port}`);
    await expect(createClient(UserServiceDefinition, fresh).getUser({ id: stack.idOf('bob') })).rejects.toMatchObject({ code: Status.UNAVAILABLE });
    fresh.close();
    expect((await calls).map((r) => r.user?.login)).toEqual(Array(20).fill('bob'));
    await done;
    expect(stack.logs.some((l) => l.includes('shutdown grace over'))).toBe(false);
  });
});
