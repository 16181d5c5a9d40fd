import { Metadata, Status } from 'nice-grpc';
import { callerKeys, expectError, type Stack, startStack } from './harness';

/**
 * A production backend's account (README, "Running it for a production
 * backend"): sign-up with the application session turned off, listing users
 * turned off. A caller with owner powers then signs up and reads with the API
 * key; every other caller keeps the application session and its refusals.
 */
const asService = { metadata: Metadata({ authorization: `Bearer ${callerKeys.serviceA}` }) };
/** The audit lines the gateway wrote (owner powers used), as objects. */
const audits = (stack: Stack) =>
  stack.logs
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((l) => l.audit === 'owner_powers')
    .map(({ method, target, outcome, caller, application }) => ({ method, target, outcome, caller, application }));
const newUser = (login: string) => ({ user: { login, fullName: 'New One', tags: [] }, password: 'newPass1234' });

describe('the owner credential, by policy', () => {
  let stack: Stack;
  const settings = () => stack.emulator.state.apps.get(12345)!.settings;
  afterEach(() => stack.close());

  it('CreateUser signs up with the API key for a caller with owner powers, when sign-up with the application session is off', async () => {
    stack = await startStack();
    settings().signUpWithApplicationSession = false;
    const created = await stack.users.createUser(newUser('backend-made'));
    expect(created.user?.login).toBe('backend-made');
    // No application session was needed for it: the API key signed it up.
    expect(stack.emulator.state.count('POST /session.json')).toBe(0);
    await expectError(stack.users.createUser(newUser('client-made'), asService), { code: Status.PERMISSION_DENIED, reason: 'NEED_USER' });
    expect(audits(stack)).toEqual([{ method: 'CreateUser', target: 'new', outcome: 'OK', caller: 'test-owner', application: 'default' }]);
  });

  it('reads fall back to the API key where the application refuses its session the read, for the owner only', async () => {
    stack = await startStack();
    settings().listUsers = false;
    expect((await stack.users.listUsers({ perPage: 10 })).users.map((u) => u.login)).toEqual(expect.arrayContaining(['alice', 'bob']));
    // The refused request, then the same with the API key.
    expect(stack.emulator.state.count('GET /users.json', 403)).toBe(1);
    expect(stack.emulator.state.count('GET /users.json', 200)).toBe(1);
    await expectError(stack.users.listUsers({ perPage: 10 }, asService), { code: Status.PERMISSION_DENIED, reason: 'FORBIDDEN' });
    // The read with the API key is an action with owner powers: audited; the service's, with the application session, is not.
    expect(audits(stack)).toEqual([{ method: 'ListUsers', target: 'list', outcome: 'OK', caller: 'test-owner', application: 'default' }]);
  });

  it('QB_OWNER_READS=always: the owner reads with the API key from the first request, others with the application session', async () => {
    stack = await startStack({ env: { QB_OWNER_READS: 'always', QB_COALESCE_WINDOW_MS: '0' } });
    const id = stack.idOf('alice');
    expect((await stack.users.getUser({ id })).user?.login).toBe('alice');
    expect(stack.emulator.state.count('POST /session.json')).toBe(0);
    expect((await stack.users.getUser({ id }, asService)).user?.login).toBe('alice');
    expect(stack.emulator.state.count('POST /session.json')).toBe(1);
    expect(audits(stack)).toEqual([{ method: 'GetUser', target: `id:${id}`, outcome: 'OK', caller: 'test-owner', application: 'default' }]);
  });

  it('keeps today’s credentials on ConnectyCube, which has no API key', async () => {
    stack = await startStack({ upstream: 'connectycube' });
    const created = await stack.users.createUser(newUser('cube-made'));
    expect(created.user?.login).toBe('cube-made');
    // Sign-up by CB-AuthKey, without any session (docs/connectycube-rest.md).
    expect(stack.emulator.state.count('POST /session')).toBe(0);
  });
});
