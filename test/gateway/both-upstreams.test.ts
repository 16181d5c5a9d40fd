import { Status } from 'nice-grpc';
import { FilterOperator, UserField } from '../../gen/quickblox/v1/user_query';
import { expectError, loginRequest, type Stack, startStack, upstreams, withToken } from './harness';

/**
 * The validation and the error mapping table of docs/error-model.md, in front
 * of each upstream: the same requests, the same statuses and reasons, whatever
 * body shapes and statuses the upstream uses to say it.
 */
describe.each(upstreams)('in front of %s', (upstream) => {
  let stack: Stack;
  beforeAll(async () => {
    // One upstream request per call: the table is of single answers (coalescing has its own tests).
    stack = await startStack({ upstream, env: { QB_UPSTREAM_TIMEOUT_MS: '300', QB_COALESCE_WINDOW_MS: '0' } });
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.emulator.state.setFaults({ errorRate: 0, failNext: 0, latencyMs: 0, match: '', errorBody: 'html', errorStatus: 503 });
    stack.emulator.state.rateLimitPerSecond = 0;
  });

  describe('validation: nothing goes upstream, every bad field is named', () => {
    const cases: [string, (s: Stack) => Promise<unknown>, string[]][] = [
      ['CreateSession credentials', (s) => s.sessions.createSession(loginRequest('', 'short')), ['user.login_password.login', 'user.login_password.password']],
      [
        'CreateUser fields',
        (s) => s.users.createUser({ user: { login: ' spaced', email: 'nope', tags: ['a,b'], externalUserId: 0n }, password: 'short' }),
        ['user.login', 'user.email', 'user.external_user_id', 'user.tags[0]', 'password'],
      ],
      ['GetUser id', (s) => s.users.getUser({ id: 0n }), ['id']],
      ['GetUsers ids', (s) => s.users.getUsers({ ids: [] }), ['ids']],
      ['FindUser email', (s) => s.users.findUser({ key: { $case: 'email', value: 'a@' } }), ['email']],
      ['ListUsers paging', (s) => s.users.listUsers({ query: { $case: 'tags', value: { tags: ['x'] } }, page: 0, perPage: 101 }), ['page', 'per_page']],
      [
        'ListUsers filter values',
        (s) =>
          s.users.listUsers({
            query: {
              $case: 'filter',
              value: { filters: [{ field: UserField.USER_FIELD_ID, operator: FilterOperator.FILTER_OPERATOR_IN, values: ['1', 'x'] }] },
            },
          }),
        ['filter.filters[0].values[1]'],
      ],
      ['ResetPassword email', (s) => s.users.resetPassword({ email: '' }), ['email']],
    ];
    it.each(cases)('%s', async (_name, call, fields) => {
      const before = stack.emulator.state.received;
      const error = await expectError(call(stack), { code: Status.INVALID_ARGUMENT, reason: 'INVALID_ARGUMENT' });
      expect(
        error.details
          .split('; ')
          .map((v) => v.slice(0, v.indexOf(':')))
          .sort(),
      ).toEqual([...fields].sort());
      expect(stack.emulator.state.received).toBe(before);
    });
  });

  describe('the error mapping table', () => {
    const aliceToken = async () => (await stack.sessions.createSession(loginRequest('alice', 'alicePass1!'))).session!.token;

    it('wrong credentials: UNAUTHENTICATED BAD_CREDENTIALS', async () => {
      await expectError(stack.sessions.createSession(loginRequest('alice', 'wrongPass1!')), { code: Status.UNAUTHENTICATED, reason: 'BAD_CREDENTIALS' });
    });

    it('an expired or destroyed caller token: UNAUTHENTICATED SESSION_EXPIRED', async () => {
      const token = await aliceToken();
      await stack.sessions.destroySession({}, withToken(token));
      await expectError(stack.users.getUser({ id: stack.idOf('bob') }, withToken(token)), { code: Status.UNAUTHENTICATED, reason: 'SESSION_EXPIRED' });
    });

    it('no token where one is needed: UNAUTHENTICATED TOKEN_REQUIRED', async () => {
      await expectError(stack.sessions.getSession({}), { code: Status.UNAUTHENTICATED, reason: 'TOKEN_REQUIRED' });
    });

    it('a taken login: ALREADY_EXISTS LOGIN_TAKEN naming user.login', async () => {
      await expectError(stack.users.createUser({ user: { login: 'alice' }, password: 'another123' }), {
        code: Status.ALREADY_EXISTS,
        reason: 'LOGIN_TAKEN',
        fields: ['user.login'],
      });
    });

    it("another user's data: PERMISSION_DENIED NOT_OWNER; an application token: NEED_USER", async () => {
      const token = await aliceToken();
      await expectError(stack.users.updateUser({ id: stack.idOf('bob'), user: { fullName: 'X', tags: [] } }, withToken(token)), {
        code: Status.PERMISSION_DENIED,
        reason: 'NOT_OWNER',
      });
      const appToken = (await stack.sessions.createSession({})).session!.token;
      await expectError(stack.users.updateUser({ id: stack.idOf('bob'), user: { fullName: 'X', tags: [] } }, withToken(appToken)), {
        code: Status.PERMISSION_DENIED,
        reason: 'NEED_USER',
      });
    });

    it('no such user: NOT_FOUND USER_NOT_FOUND', async () => {
      await expectError(stack.users.getUser({ id: 424242n }), { code: Status.NOT_FOUND, reason: 'USER_NOT_FOUND' });
    });

    it("the application's rate limit: RESOURCE_EXHAUSTED RATE_LIMITED", async () => {
      await stack.users.getUser({ id: stack.idOf('alice') });
      stack.emulator.state.rateLimitPerSecond = 1;
      const replies = await Promise.allSettled(Array.from({ length: 5 }, () => stack.users.getUser({ id: stack.idOf('alice') })));
      const refused = replies.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason);
      expect(refused.length).toBeGreaterThan(0);
      await expectError(Promise.reject(refused[0]), { code: Status.RESOURCE_EXHAUSTED, reason: 'RATE_LIMITED' });
    });

    it.each([
      [503, 'html', Status.UNAVAILABLE, 'UPSTREAM_UNAVAILABLE'],
      [500, 'json', Status.UNAVAILABLE, 'UPSTREAM_UNAVAILABLE'],
      [418, 'json', Status.UNKNOWN, 'UPSTREAM_ERROR'],
    ] as const)('HTTP %i (%s body) on a write: %s %s', async (status, body, code, reason) => {
      stack.emulator.state.setFaults({ errorRate: 1, errorStatus: status, errorBody: body, match: '^POST /users' });
      await expectError(stack.users.createUser({ user: { login: `f${status}` }, password: 'password123' }), { code, reason });
    });

    it('an upstream slower than QB_UPSTREAM_TIMEOUT_MS: DEADLINE_EXCEEDED UPSTREAM_TIMEOUT', async () => {
      stack.emulator.state.setFaults({ latencyMs: 1000, match: '^POST /users' });
      await expectError(stack.users.createUser({ user: { login: 'slow' }, password: 'password123' }), {
        code: Status.DEADLINE_EXCEEDED,
        reason: 'UPSTREAM_TIMEOUT',
      });
    });
  });
});

describe.each(upstreams)("the gateway's own credentials rejected by %s", (upstream) => {
  it('is UNAVAILABLE GATEWAY_MISCONFIGURED, never the caller’s fault', async () => {
    const stack = await startStack({ upstream, env: { QB_AUTH_KEY: 'not-the-auth-key' } });
    try {
      await expectError(stack.users.getUser({ id: stack.idOf('alice') }), { code: Status.UNAVAILABLE, reason: 'GATEWAY_MISCONFIGURED' });
      expect(stack.gateway.readiness.state()).toMatchObject({ ready: false, reason: 'misconfigured' });
    } finally {
      await stack.close();
    }
  });
});
