import { ChannelCredentials } from 'nice-grpc';
import { runExample } from '../../clients/examples/internal-service';
import { createGatewayClient, type GatewayClient, GatewayError, Status, UserSession, withToken } from '../../clients/src';
import { acquireChannel } from '../../clients/src/channel-pool';
import { callerKeys, type Stack, startStack } from '../gateway/harness';

let stack: Stack;
let client: GatewayClient;
beforeAll(async () => {
  stack = await startStack({ prewarm: true });
  // As the policy's owner: some tests act on users without their token.
  client = createGatewayClient({
    address: `127.0.0.1:${stack.gateway.port}`,
    retry: { baseDelayMs: 10 },
    metadata: { authorization: `Bearer ${callerKeys.owner}` },
  });
});
afterEach(() => stack.emulator.state.setFaults({ latencyMs: 0, failNext: 0, match: undefined }));
afterAll(async () => {
  client.close();
  await stack.close();
});

async function failure(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

it('makes typed calls to both services, with the token as a call option or withToken()', async () => {
  const { session } = await client.sessions.createSession({
    subject: { $case: 'user', value: { method: { $case: 'loginPassword', value: { login: 'alice', password: 'alicePass1!' } } } },
  });
  const got = await client.sessions.getSession({}, { token: session!.token });
  expect(got.session!.userId).toBe(stack.idOf('alice'));
  const { user } = await client.users.getUser({ id: stack.idOf('bob') }, withToken(session!.token));
  expect(user).toMatchObject({ login: 'bob', tags: ['android'] });
  const { users } = await client.users.getUsers({ ids: [stack.idOf('alice'), stack.idOf('bob')] });
  expect(users.map((u) => u.login)).toEqual(['alice', 'bob']);
});

it('decodes a bad sign-up into one typed error with its field violations', async () => {
  const error = await failure(client.users.createUser({ user: { login: 'ok-login', email: 'not an email' }, password: 'short' }));
  expect(error.code).toBe(Status.INVALID_ARGUMENT);
  expect(error.isInvalidArgument()).toBe(true);
  expect(error.reason).toBe('INVALID_ARGUMENT');
  expect(error.domain).toBe('quickblox.com');
  expect(error.fieldViolations.map((v) => v.field).sort()).toEqual(['password', 'user.email']);
  expect(error.violationsOf('password')[0]!.description).toContain('8 to 128');

  const taken = await failure(client.users.createUser({ user: { login: 'alice' }, password: 'longEnough1' }));
  expect(taken.isAlreadyExists()).toBe(true);
  expect(taken).toMatchObject({
    reason: 'LOGIN_TAKEN',
    upstreamStatus: 422,
    fieldViolations: [{ field: 'user.login', description: 'has already been taken' }],
  });

  const expired = await failure(client.sessions.getSession({}, { token: 'no-such-token-123' }));
  expect(expired.isSessionExpired()).toBe(true);
});

it('refuses a number an int64 field cannot take before sending: INVALID_ARGUMENT naming the field, never INTERNAL', async () => {
  const started = async () => {
    const text = await (await fetch(`http://127.0.0.1:${stack.gateway.metricsPort}/metrics`)).text();
    return [...text.matchAll(/^grpc_server_started_total\{[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
  };
  const before = await started();
  const fraction = await failure(client.users.getUser({ id: 1.5 as unknown as bigint }));
  expect(fraction).toMatchObject({ code: Status.INVALID_ARGUMENT, reason: 'INVALID_ARGUMENT', fieldViolations: [{ field: 'id' }] });
  expect(fraction.violationsOf('id')[0]!.description).toContain('must be a whole number, got 1.5');
  const nested = await failure(client.users.updateUser({ id: 1n, user: { externalUserId: 2.5 as unknown as bigint, tags: [] } }));
  expect(nested.fieldViolations.map((v) => v.field)).toEqual(['user.external_user_id']);
  expect(await started()).toBe(before);
});

it('gives DEADLINE_EXCEEDED within the deadline', async () => {
  stack.emulator.state.setFaults({ latencyMs: 1500 });
  const started = Date.now();
  const error = await failure(client.users.getUser({ id: stack.idOf('alice') }, { deadline: 200 }));
  expect(error.code).toBe(Status.DEADLINE_EXCEEDED);
  expect(Date.now() - started).toBeLessThan(600);

  const short = createGatewayClient({ address: `127.0.0.1:${stack.gateway.port}`, defaultDeadlineMs: 150 });
  try {
    expect((await failure(short.users.getUser({ id: stack.idOf('alice') }))).code).toBe(Status.DEADLINE_EXCEEDED);
  } finally {
    short.close();
  }
});

it('retries a read on UNAVAILABLE, and never a write', async () => {
  // The gateway itself retries a read once: two 503s in a row reach the client as UNAVAILABLE.
  stack.emulator.state.setFaults({ failNext: 2, errorStatus: 503, match: '^GET /users/' });
  const before = stack.emulator.state.count('GET /users/{id}.json', 503);
  const retried: number[] = [];
  const { user } = await client.users.getUser({ id: stack.idOf('alice') }, { onRetryableError: (_e, attempt) => retried.push(attempt) });
  expect(user!.login).toBe('alice');
  expect(retried).toEqual([0]);
  expect(stack.emulator.state.count('GET /users/{id}.json', 503) - before).toBe(2);

  stack.emulator.state.setFaults({ failNext: 2, errorStatus: 503, match: '^PUT ' });
  const puts = stack.emulator.state.count('PUT /users/{id}.json');
  const error = await failure(client.users.updateUser({ id: stack.idOf('bob'), user: { fullName: 'Bob B' } }));
  expect(error.code).toBe(Status.UNAVAILABLE);
  expect(stack.emulator.state.count('PUT /users/{id}.json') - puts).toBe(1);
});

it('UserSession logs in once, and survives a forced upstream expiry by logging in again', async () => {
  const me = new UserSession(client, { $case: 'loginPassword', value: { login: 'bob', password: 'bobPass123' } });
  const logins = () => stack.emulator.state.count('POST /session.json', 201);
  const before = logins();
  const first = await me.run((o) => client.sessions.getSession({}, o));
  await me.run((o) => client.users.getUser({ id: stack.idOf('alice') }, o));
  expect(logins() - before).toBe(1);

  stack.emulator.state.sessions.expireAll();
  const after = await me.run((o) => client.sessions.getSession({}, o));
  expect(after.session!.userId).toBe(stack.idOf('bob'));
  expect(after.session!.token).not.toBe(first.session!.token);
  expect(logins() - before).toBe(2);

  const wrong = new UserSession(client, { $case: 'loginPassword', value: { login: 'bob', password: 'notBobs1234' } });
  const error = await failure(wrong.run((o) => client.sessions.getSession({}, o)));
  expect(error.isBadCredentials()).toBe(true);
  expect(`${error.message} ${JSON.stringify(error)}`).not.toContain('notBobs1234');
});

it('shares one channel per address and credentials, closing it with its last user', () => {
  const insecure = ChannelCredentials.createInsecure();
  const a = acquireChannel('127.0.0.1:1', insecure, 'insecure');
  const b = acquireChannel('127.0.0.1:1', insecure, 'insecure');
  const other = acquireChannel('127.0.0.1:2', insecure, 'insecure');
  expect(a.channel).toBe(b.channel);
  expect(other.channel).not.toBe(a.channel);
  a.release();
  a.release();
  const c = acquireChannel('127.0.0.1:1', insecure, 'insecure');
  expect(c.channel).toBe(b.channel);
  b.release();
  c.release();
  expect(acquireChannel('127.0.0.1:1', insecure, 'insecure').channel).not.toBe(b.channel);
  other.release();
});

it('runs the example internal service end to end', async () => {
  const lines: string[] = [];
  const result = await runExample(`127.0.0.1:${stack.gateway.port}`, (line) => lines.push(line));
  expect(result).toMatchObject({ foundByLogin: true, fullName: 'Example Service' });
  expect(result.taggedUsers).toBeGreaterThanOrEqual(1);
  expect(stack.emulator.state.apps.get(12345)!.users.find('login', result.login)).toMatchObject({ full_name: 'Example Service', user_tags: 'service' });
  expect(lines.join('\n')).toContain('second sign-up refused: LOGIN_TAKEN on user.login');
});
