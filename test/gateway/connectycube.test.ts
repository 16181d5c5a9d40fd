import { Status } from 'nice-grpc';
import { FilterOperator, SortDirection, UserField } from '../../gen/quickblox/v1/user_query';
import { errorInfoOf, expectError, loginRequest, type Stack, startStack, withToken } from './harness';

/** What is ConnectyCube's own behind the shared contract (README, "Upstreams"). */
describe('the gateway in front of ConnectyCube', () => {
  let stack: Stack;
  beforeEach(async () => {
    stack = await startStack({ upstream: 'connectycube' });
  });
  afterEach(() => stack.close());
  const count = (route: string, status?: number) => stack.emulator.state.count(route, status);

  it('signs up by CB-AuthKey without creating any session', async () => {
    const { user } = await stack.users.createUser({
      user: { login: 'marvin', tags: ['a', 'b'], timezone: 180, avatar: 'UID1', externalId: 'm-1' },
      password: 'marvinPass1',
    });
    expect(user).toMatchObject({ login: 'marvin', tags: ['a', 'b'], timezone: 180, avatar: 'UID1', externalId: 'm-1', isGuest: false });
    expect(count('POST /users', 201)).toBe(1);
    expect(count('POST /session')).toBe(0);
  });

  it('creates guest sessions, with opaque 36-character tokens and the guest flag', async () => {
    const { session } = await stack.sessions.createSession({ subject: { $case: 'guest', value: { fullName: 'Olof Shodger' } } });
    expect(session?.token).toMatch(/^[0-9A-F]{36}$/);
    const { user } = await stack.users.getUser({ id: session!.userId! }, withToken(session!.token));
    expect(user).toMatchObject({ fullName: 'Olof Shodger', isGuest: true });
  });

  it('reports an application session with no user (ConnectyCube says null)', async () => {
    const { session } = await stack.sessions.createSession({});
    expect(session).toMatchObject({ userId: undefined, applicationId: 12345n });
  });

  it('reads CB-Token-ExpirationDate, and assumes two hours of life when it is missing', async () => {
    // Ten minutes on this application, so that what the header says and the two hours differ.
    stack.emulator.state.apps.get(12345)!.settings.sessionTtlSeconds = 600;
    const lapse = async () => (await stack.sessions.createSession(loginRequest('alice', 'alicePass1!'))).session!.expiresAt!.getTime() - Date.now();
    expect(Math.round((await lapse()) / 60_000)).toBe(10);
    stack.emulator.state.setFaults({ omitExpiryHeader: true });
    expect(Math.round((await lapse()) / 60_000)).toBe(120);
  });

  it('lists through users/v2: operators, offset and limit as page and per_page, sorting', async () => {
    const ids = [stack.idOf('alice'), stack.idOf('bob')].map(String);
    const page2 = await stack.users.listUsers({
      query: {
        $case: 'filter',
        value: {
          filters: [{ field: UserField.USER_FIELD_ID, operator: FilterOperator.FILTER_OPERATOR_IN, values: ids }],
          order: { field: UserField.USER_FIELD_LOGIN, direction: SortDirection.SORT_DIRECTION_DESC },
        },
      },
      page: 2,
      perPage: 1,
    });
    expect(page2).toMatchObject({ page: 2, perPage: 1, totalEntries: 2, users: [{ login: 'alice' }] });
    expect(stack.emulator.state.requestLog.at(-1)?.query).toBe(
      `id%5Bin%5D%5B%5D=${ids[0]}&id%5Bin%5D%5B%5D=${ids[1]}&sort_desc=login&limit=1&offset=1`.replace(/%5B/g, '[').replace(/%5D/g, ']'),
    );
    const prefix = await stack.users.listUsers({ query: { $case: 'fullName', value: 'Bob B' } });
    expect(prefix.users.map((u) => u.login)).toEqual(['bob']);
    await expectError(stack.users.listUsers({ query: { $case: 'fullName', value: 'Bo' } }), {
      code: Status.INVALID_ARGUMENT,
      reason: 'INVALID_ARGUMENT',
      fields: ['full_name'],
    });
    const cmp = stack.users.listUsers({
      query: { $case: 'filter', value: { filters: [{ field: UserField.USER_FIELD_ID, operator: FilterOperator.FILTER_OPERATOR_GT, values: ['1'] }] } },
    });
    const error = await expectError(cmp, { code: Status.UNIMPLEMENTED, reason: 'UNSUPPORTED_BY_UPSTREAM' });
    expect(errorInfoOf(error)?.metadata).toMatchObject({ upstream: 'connectycube', feature: 'filter_comparison', field: 'filter.filters[0].operator' });
  });

  it('finds one user through users/v2, and NOT_FOUND when none matches', async () => {
    expect((await stack.users.findUser({ key: { $case: 'login', value: 'bob' } })).user).toMatchObject({ login: 'bob', phone: '+15550100' });
    await expectError(stack.users.findUser({ key: { $case: 'login', value: 'nobody' } }), { code: Status.NOT_FOUND, reason: 'USER_NOT_FOUND' });
    expect(count('GET /users/v2', 200)).toBe(2);
  });

  it('changes a password with the old one, clears a field with null, and deletes with the own token', async () => {
    await stack.users.createUser({ user: { login: 'ivy', timezone: 60 }, password: 'ivySecret123' });
    const { session } = await stack.sessions.createSession(loginRequest('ivy', 'ivySecret123'));
    const token = withToken(session!.token);
    const { user } = await stack.users.updateUser(
      { id: session!.userId!, user: { tags: [] }, updateMask: ['timezone', 'full_name'], password: 'ivySecret456', oldPassword: 'ivySecret123' },
      token,
    );
    expect(user).toMatchObject({ timezone: undefined, fullName: undefined });
    await expectError(stack.sessions.createSession(loginRequest('ivy', 'ivySecret123')), { code: Status.UNAUTHENTICATED, reason: 'BAD_CREDENTIALS' });
    await stack.sessions.createSession(loginRequest('ivy', 'ivySecret456'));
    await stack.users.deleteUser({ target: { $case: 'id', value: session!.userId! } }, token);
    await expectError(stack.users.getUser({ id: session!.userId! }), { code: Status.NOT_FOUND, reason: 'USER_NOT_FOUND' });
  });

  it("needs the user's token to change a user: there is no API key", async () => {
    await expectError(stack.users.updateUser({ id: stack.idOf('bob'), user: { fullName: 'X', tags: [] } }), {
      code: Status.PERMISSION_DENIED,
      reason: 'NEED_USER',
    });
  });

  it('maps ConnectyCube error bodies: the array shape, the expiry message', async () => {
    await expectError(stack.sessions.createSession(loginRequest('alice', 'wrong-password')), { code: Status.UNAUTHENTICATED, reason: 'BAD_CREDENTIALS' });
    const { session } = await stack.sessions.createSession(loginRequest('alice', 'alicePass1!'));
    stack.emulator.state.sessions.expireAll();
    await expectError(stack.sessions.getSession({}, withToken(session!.token)), { code: Status.UNAUTHENTICATED, reason: 'SESSION_EXPIRED' });
  });
});

describe('signed ConnectyCube session requests (QB_AUTH_SECRET set)', () => {
  it('recover from {"errors":{"timestamp":["invalid timestamp"]}} by learning the clock', async () => {
    const stack = await startStack({
      upstream: 'connectycube',
      env: { QB_AUTH_SECRET: 'S3cr3tS3cr3tXYZ' },
      emulator: { faults: { clockOffsetMs: 2 * 60 * 60_000 } },
    });
    try {
      await stack.sessions.createSession({});
      expect(stack.emulator.state.count('POST /session', 422)).toBe(1);
      expect(stack.emulator.state.count('POST /session', 201)).toBe(1);
    } finally {
      await stack.close();
    }
  });
});

/** What the gateway fixes of ConnectyCube's own SDK (docs/connectycube-sdk.md §5). */
describe("where ConnectyCube's SDK goes wrong", () => {
  let stack: Stack;
  beforeEach(async () => {
    stack = await startStack({ upstream: 'connectycube' });
  });
  afterEach(() => stack.close());

  it('many concurrent calls after a forced expiry make one new session', async () => {
    const id = stack.idOf('alice');
    await stack.users.getUser({ id });
    expect(stack.emulator.state.count('POST /session', 201)).toBe(1);
    stack.emulator.state.sessions.expireAll();
    const replies = await Promise.all(Array.from({ length: 200 }, () => stack.users.getUser({ id })));
    expect(replies.every((r) => r.user?.login === 'alice')).toBe(true);
    expect(stack.emulator.state.count('POST /session', 201)).toBe(2);
  });

  it('an upstream answering 401 to every request costs a bounded number of attempts per call and a clear error', async () => {
    stack.emulator.state.setFaults({ errorRate: 1, errorStatus: 401, errorBody: 'expired', match: '^GET /users' });
    const error = await expectError(stack.users.getUser({ id: stack.idOf('alice') }), { code: Status.UNAVAILABLE, reason: 'UPSTREAM_SESSION_LOST' });
    expect(error.details).toBe("the gateway's application session was lost and could not be renewed");
    // The SDK made 708 session creations in 1.5 s for one such call; here: two tries, two sessions.
    expect(stack.emulator.state.count('GET /users/v2')).toBe(2);
    expect(stack.emulator.state.count('POST /session')).toBe(2);
    // A caller's own token that the upstream says is gone costs one request.
    const token = (await stack.sessions.createSession({})).session!.token;
    await expectError(stack.users.getUser({ id: 1n }, withToken(token)), { code: Status.UNAUTHENTICATED, reason: 'SESSION_EXPIRED' });
    expect(stack.emulator.state.count('GET /users/v2')).toBe(3);
  });
});
