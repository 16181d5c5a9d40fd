import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Status } from 'nice-grpc';
import { FilterOperator, UserField } from '../../gen/quickblox/v1/user_query';
import { tokenPolicy } from '../../server/services/token-policy';
import { errorInfoOf, expectError, loginRequest, type Stack, startStack, type UpstreamName, upstreams, withToken } from './harness';

/**
 * The README's capability table, cell by cell: for each RPC on each
 * upstream, requests that work and requests that answer UNIMPLEMENTED
 * `UNSUPPORTED_BY_UPSTREAM` with metadata naming the upstream and the feature.
 */
type Probe = { name: string; run: (s: Stack) => Promise<unknown>; lacks?: string };
type Rpc = keyof typeof tokenPolicy;

const firebase = { projectId: 'p1', accessToken: 'firebase-id-token' };
const aliceToken = async (s: Stack) => (await s.sessions.createSession(loginRequest('alice', 'alicePass1!'))).session!.token;
const newUser = async (s: Stack, login: string) => {
  const { user } = await s.users.createUser({ user: { login }, password: 'userPass123' });
  const token = (await s.sessions.createSession(loginRequest(login, 'userPass123'))).session!.token;
  return { id: user!.id, token };
};
const filter = (field: UserField, operator: FilterOperator, ...values: string[]) => ({ field, operator, values });
const list = (s: Stack, query: Parameters<Stack['users']['listUsers']>[0]['query']) => s.users.listUsers({ query });

function probes(upstream: UpstreamName): Record<Rpc, Probe[]> {
  const qb = upstream === 'quickblox';
  const cc = !qb;
  const only = (yes: boolean, lacks: string) => (yes ? {} : { lacks });
  return {
    CreateSession: [
      { name: 'application', run: (s) => s.sessions.createSession({}) },
      { name: 'login', run: (s) => s.sessions.createSession(loginRequest('alice', 'alicePass1!')) },
      {
        name: 'email',
        run: (s) =>
          s.sessions.createSession({
            subject: { $case: 'user', value: { method: { $case: 'emailPassword', value: { email: 'bob@example.com', password: 'bobPass123' } } } },
          }),
      },
      {
        name: 'Firebase phone',
        run: (s) => s.sessions.createSession({ subject: { $case: 'user', value: { method: { $case: 'firebasePhone', value: firebase } } } }),
      },
      { name: 'guest', run: (s) => s.sessions.createSession({ subject: { $case: 'guest', value: { fullName: 'Olof' } } }), ...only(cc, 'guest_sessions') },
      {
        name: 'Firebase email',
        run: (s) => s.sessions.createSession({ subject: { $case: 'user', value: { method: { $case: 'firebaseEmail', value: firebase } } } }),
        ...only(cc, 'firebase_email'),
      },
    ],
    GetSession: [{ name: 'user session', run: async (s) => s.sessions.getSession({}, withToken(await aliceToken(s))) }],
    Login: [
      {
        name: 'login',
        run: async (s) =>
          s.sessions.login({ credentials: loginRequest('bob', 'bobPass123').subject.value }, withToken((await s.sessions.createSession({})).session!.token)),
      },
      {
        name: 'Firebase email',
        run: async (s) =>
          s.sessions.login(
            { credentials: { method: { $case: 'firebaseEmail', value: firebase } } },
            withToken((await s.sessions.createSession({})).session!.token),
          ),
        ...only(cc, 'firebase_email'),
      },
    ],
    Logout: [{ name: 'user session', run: async (s) => s.sessions.logout({}, withToken(await aliceToken(s))) }],
    DestroySession: [{ name: 'user session', run: async (s) => s.sessions.destroySession({}, withToken(await aliceToken(s))) }],
    CreateUser: [
      { name: 'without a caller token', run: (s) => s.users.createUser({ user: { login: `cu-${upstream}`, tags: ['a', 'b'] }, password: 'userPass123' }) },
      { name: 'avatar', run: (s) => s.users.createUser({ user: { login: 'av', avatar: 'UID1' }, password: 'userPass123' }), ...only(cc, 'field_avatar') },
      {
        name: 'external_id',
        run: (s) => s.users.createUser({ user: { login: 'ex', externalId: 'e-1' }, password: 'userPass123' }),
        ...only(cc, 'field_external_id'),
      },
      { name: 'timezone', run: (s) => s.users.createUser({ user: { login: 'tz', timezone: 180 }, password: 'userPass123' }), ...only(cc, 'field_timezone') },
    ],
    GetUser: [{ name: 'by id', run: (s) => s.users.getUser({ id: s.idOf('alice') }) }],
    GetUsers: [{ name: 'by ids', run: (s) => s.users.getUsers({ ids: [s.idOf('alice'), s.idOf('bob')] }) }],
    FindUser: [
      { name: 'login', run: (s) => s.users.findUser({ key: { $case: 'login', value: 'alice' } }) },
      { name: 'email', run: (s) => s.users.findUser({ key: { $case: 'email', value: 'bob@example.com' } }) },
      { name: 'phone', run: (s) => s.users.findUser({ key: { $case: 'phone', value: '+15550100' } }) },
      { name: 'facebook id', run: (s) => s.users.findUser({ key: { $case: 'facebookId', value: '8887366' } }) },
      { name: 'external user id', run: (s) => s.users.findUser({ key: { $case: 'externalUserId', value: 1001n } }) },
      {
        name: 'external id',
        run: async (s) => {
          if (cc) await s.users.createUser({ user: { login: 'with-ext', externalId: 'ext-7' }, password: 'userPass123' });
          return s.users.findUser({ key: { $case: 'externalId', value: 'ext-7' } });
        },
        ...only(cc, 'field_external_id'),
      },
    ],
    ListUsers: [
      { name: 'all users', run: (s) => list(s, undefined), ...only(qb, 'unfiltered_listing') },
      {
        name: 'filters',
        run: (s) =>
          list(s, {
            $case: 'filter',
            value: {
              filters: [
                filter(UserField.USER_FIELD_LOGIN, FilterOperator.FILTER_OPERATOR_IN, 'alice', 'bob'),
                filter(UserField.USER_FIELD_CREATED_AT, FilterOperator.FILTER_OPERATOR_BETWEEN, '2020-01-01T00:00:00Z', '2099-01-01T00:00:00Z'),
              ],
            },
          }),
      },
      {
        name: 'ne',
        run: (s) => list(s, { $case: 'filter', value: { filters: [filter(UserField.USER_FIELD_LOGIN, FilterOperator.FILTER_OPERATOR_NE, 'alice')] } }),
        ...only(qb, 'filter_operator_ne'),
      },
      { name: 'full name', run: (s) => list(s, { $case: 'fullName', value: 'Alice' }) },
      { name: 'tags', run: (s) => list(s, { $case: 'tags', value: { tags: ['web', 'android'] } }) },
    ],
    UpdateUser: [
      {
        name: "with the user's token",
        run: async (s) => {
          const u = await newUser(s, `up-${upstream}`);
          return s.users.updateUser({ id: u.id, user: { fullName: 'New', tags: [] } }, withToken(u.token));
        },
      },
      {
        name: 'avatar',
        run: async (s) => {
          const u = await newUser(s, 'up-avatar');
          return s.users.updateUser({ id: u.id, user: { avatar: 'UID2', tags: [] } }, withToken(u.token));
        },
        ...only(cc, 'field_avatar'),
      },
    ],
    DeleteUser: [
      {
        name: "with the user's token",
        run: async (s) => {
          const u = await newUser(s, `del-${upstream}`);
          return s.users.deleteUser({ target: { $case: 'id', value: u.id } }, withToken(u.token));
        },
      },
    ],
    ResetPassword: [{ name: 'by email', run: (s) => s.users.resetPassword({ email: 'alice@example.com' }) }],
    CreateUserToken: [{ name: 'with owner powers', run: (s) => s.users.createUserToken({ userId: s.idOf('alice') }), ...only(qb, 'user_tokens') }],
  };
}

describe.each(upstreams)('on %s', (upstream) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ upstream });
  });
  afterAll(() => stack.close());

  const cases = Object.entries(probes(upstream)).flatMap(([rpc, list]) => list.map((p) => [rpc, p.name, p] as const));
  it.each(cases)('%s (%s)', async (_rpc, _name, probe) => {
    if (!probe.lacks) {
      await expect(probe.run(stack)).resolves.toBeDefined();
      return;
    }
    const before = stack.emulator.state.received;
    const error = await expectError(probe.run(stack), { code: Status.UNIMPLEMENTED, reason: 'UNSUPPORTED_BY_UPSTREAM' });
    expect(errorInfoOf(error)?.metadata).toMatchObject({ upstream, feature: probe.lacks, lacks: expect.any(String) });
    // Only the requests that set the probe up went upstream, never the unsupported one.
    expect(stack.emulator.state.received - before).toBeLessThanOrEqual(2);
  });
});

describe('the README capability table', () => {
  const readme = readFileSync(resolve(__dirname, '../../README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('| RPC | QuickBlox | ConnectyCube |'));
  const rows = new Map(
    [...table.slice(0, table.indexOf('\n\n')).matchAll(/^\| `(\w+)` \| (.+) \| (.+) \|$/gm)].map((m) => [m[1]!, { quickblox: m[2]!, connectycube: m[3]! }]),
  );

  it('has a row for every RPC, and no other', () => {
    expect([...rows.keys()].sort()).toEqual(Object.keys(tokenPolicy).sort());
  });

  it.each(upstreams)('says of each RPC on %s what its probes find', (upstream) => {
    for (const [rpc, list] of Object.entries(probes(upstream))) {
      const cell = rows.get(rpc)?.[upstream] ?? '';
      expect({ rpc, works: cell.startsWith('works') }).toEqual({ rpc, works: list.some((p) => !p.lacks) });
      expect({ rpc, unimplemented: cell.includes('UNIMPLEMENTED') }).toEqual({ rpc, unimplemented: list.some((p) => p.lacks !== undefined) });
    }
  });
});
