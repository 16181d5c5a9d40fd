import { Status } from 'nice-grpc';
import { FilterOperator, SortDirection, UserField } from '../../gen/quickblox/v1/user_query';
import { errorInfoOf, expectError, type Stack, startStack, violationsOf, withToken } from './harness';

let stack: Stack;
let noKey: Stack;
beforeAll(async () => {
  [stack, noKey] = await Promise.all([startStack(), startStack({ withoutApiKey: true })]);
});
afterAll(() => Promise.all([stack.close(), noKey.close()]));

const stored = (login: string) => stack.emulator.state.apps.get(12345)!.users.find('login', login);
const requests = () => stack.emulator.state.requestLog.length;

async function tokenOf(login: string, password: string, on: Stack = stack): Promise<string> {
  const { session } = await on.sessions.createSession({
    subject: { $case: 'user', value: { method: { $case: 'loginPassword', value: { login, password } } } },
  });
  return session!.token;
}

async function signUp(login: string, extra: Record<string, unknown> = {}) {
  const { user } = await stack.users.createUser({ user: { login, email: `${login}@example.com`, ...extra }, password: `${login}Pass123` });
  return user!;
}

describe('UserService.CreateUser', () => {
  it('signs a user up with the application session and returns what the upstream stored', async () => {
    const user = await signUp('carol', { fullName: 'Carol C', tags: ['web', 'beta'], phone: '+15550199', customData: '{"k":1}', externalUserId: 5005n });
    expect(user).toMatchObject({
      login: 'carol',
      email: 'carol@example.com',
      fullName: 'Carol C',
      tags: ['web', 'beta'],
      externalUserId: 5005n,
      customData: '{"k":1}',
    });
    expect(stored('carol')).toMatchObject({ id: Number(user.id), user_tags: 'web,beta', phone: '+15550199', external_user_id: 5005 });
  });

  it('answers a taken login with ALREADY_EXISTS naming user.login', async () => {
    const error = await expectError(stack.users.createUser({ user: { login: 'alice' }, password: 'another123' }), {
      code: Status.ALREADY_EXISTS,
      reason: 'LOGIN_TAKEN',
      fields: ['user.login'],
    });
    expect(errorInfoOf(error)!.metadata).toMatchObject({ upstream_status: '422' });
  });

  it('validates every field before going upstream', async () => {
    const before = requests();
    const error = await expectError(
      stack.users.createUser({ user: { login: ' spaced', email: 'nope', tags: ['a,b', 'x'.repeat(65)], externalUserId: 0n }, password: 'short' }),
      { code: Status.INVALID_ARGUMENT, reason: 'INVALID_ARGUMENT' },
    );
    expect(
      violationsOf(error)
        .map((v) => v.field)
        .sort(),
    ).toEqual(['password', 'user.email', 'user.external_user_id', 'user.login', 'user.tags[0]', 'user.tags[1]'].sort());
    await expectError(stack.users.createUser({ user: { fullName: 'No Login' }, password: 'password123' }), {
      code: Status.INVALID_ARGUMENT,
      reason: 'INVALID_ARGUMENT',
      fields: ['user'],
    });
    await expectError(stack.users.createUser({ user: { login: 'zed', avatar: 'x' }, password: 'password123' }), {
      code: Status.UNIMPLEMENTED,
      reason: 'UNSUPPORTED_BY_UPSTREAM',
    });
    expect(requests()).toBe(before);
  });

  it('maps upstream field errors to contract fields (a blob that does not exist)', async () => {
    await expectError(stack.users.createUser({ user: { login: 'dave', blobId: 999n }, password: 'davePass123' }), {
      code: Status.INVALID_ARGUMENT,
      reason: 'VALIDATION_FAILED',
      fields: ['user.blob_id'],
    });
  });
});

describe('UserService reads', () => {
  it('GetUser returns a user by id, NOT_FOUND for none, INVALID_ARGUMENT for a non-positive id', async () => {
    const { user } = await stack.users.getUser({ id: stack.idOf('alice') });
    expect(user).toMatchObject({ id: stack.idOf('alice'), login: 'alice', fullName: 'Alice Smith', tags: ['web', 'vip'], externalUserId: 1001n });
    expect(user!.createdAt).toBeInstanceOf(Date);
    await expectError(stack.users.getUser({ id: 424242n }), { code: Status.NOT_FOUND, reason: 'USER_NOT_FOUND' });
    await expectError(stack.users.getUser({ id: 0n }), { code: Status.INVALID_ARGUMENT, reason: 'INVALID_ARGUMENT', fields: ['id'] });
  });

  it('GetUsers returns the users in the order asked and leaves out unknown ids', async () => {
    const [alice, bob] = [stack.idOf('alice'), stack.idOf('bob')];
    const { users } = await stack.users.getUsers({ ids: [bob, 999999n, alice] });
    expect(users.map((u) => u.login)).toEqual(['bob', 'alice']);
    await expectError(stack.users.getUsers({ ids: [] }), { code: Status.INVALID_ARGUMENT, reason: 'INVALID_ARGUMENT', fields: ['ids'] });
    await expectError(stack.users.getUsers({ ids: Array.from({ length: 101 }, (_, i) => BigInt(i + 1)) }), {
      code: Status.INVALID_ARGUMENT,
      reason: 'INVALID_ARGUMENT',
      fields: ['ids'],
    });
  });

  it('FindUser looks a user up by each key', async () => {
    const alice = stack.idOf('alice');
    const bob = stack.idOf('bob');
    expect((await stack.users.findUser({ key: { $case: 'login', value: 'alice' } })).user!.id).toBe(alice);
    expect((await stack.users.findUser({ key: { $case: 'email', value: 'bob@example.com' } })).user!.id).toBe(bob);
    expect((await stack.users.findUser({ key: { $case: 'phone', value: '+15550100' } })).user!.id).toBe(bob);
    expect((await stack.users.findUser({ key: { $case: 'facebookId', value: '8887366' } })).user!.id).toBe(bob);
    expect((await stack.users.findUser({ key: { $case: 'externalUserId', value: 1001n } })).user!.id).toBe(alice);
    await expectError(stack.users.findUser({ key: { $case: 'login', value: 'nobody' } }), { code: Status.NOT_FOUND, reason: 'USER_NOT_FOUND' });
    await expectError(stack.users.findUser({ key: { $case: 'phone', value: '+10000000' } }), { code: Status.NOT_FOUND, reason: 'USER_NOT_FOUND' });
    await expectError(stack.users.findUser({ key: { $case: 'twitterId', value: 'no-such' } }), { code: Status.NOT_FOUND, reason: 'USER_NOT_FOUND' });
    await expectError(stack.users.findUser({}), { code: Status.INVALID_ARGUMENT, reason: 'INVALID_ARGUMENT', fields: ['key'] });
    await expectError(stack.users.findUser({ key: { $case: 'email', value: 'a b@c' } }), {
      code: Status.INVALID_ARGUMENT,
      reason: 'INVALID_ARGUMENT',
      fields: ['email'],
    });
  });

  it('ListUsers pages through every user', async () => {
    const first = await stack.users.listUsers({ perPage: 1 });
    expect(first).toMatchObject({ page: 1, perPage: 1 });
    expect(first.totalEntries).toBeGreaterThanOrEqual(2);
    expect(first.users).toHaveLength(1);
    const second = await stack.users.listUsers({ page: 2, perPage: 1 });
    expect(second.page).toBe(2);
    expect(second.users[0]!.id).toBeGreaterThan(first.users[0]!.id);
    await expectError(stack.users.listUsers({ perPage: 101, page: 0 }), {
      code: Status.INVALID_ARGUMENT,
      reason: 'INVALID_ARGUMENT',
      fields: ['page', 'per_page'],
    });
  });

  it('ListUsers compiles typed filters and an order', async () => {
    const { users } = await stack.users.listUsers({
      query: {
        $case: 'filter',
        value: {
          filters: [
            { field: UserField.USER_FIELD_LOGIN, operator: FilterOperator.FILTER_OPERATOR_IN, values: ['alice', 'bob'] },
            { field: UserField.USER_FIELD_CREATED_AT, operator: FilterOperator.FILTER_OPERATOR_GE, values: ['2000-01-01T00:00:00Z'] },
          ],
          order: { field: UserField.USER_FIELD_LOGIN, direction: SortDirection.SORT_DIRECTION_DESC },
        },
      },
    });
    expect(users.map((u) => u.login)).toEqual(['bob', 'alice']);
    const query = stack.emulator.state.requestLog.at(-1)!.query;
    expect(query).toContain('filter[]=string%20login%20in%20alice%2Cbob');
    expect(query).toContain('filter[]=date%20created_at%20ge%202000-01-01T00%3A00%3A00Z');
    expect(query).toContain('order=desc%20string%20login');
  });

  it('ListUsers encodes filter values so that they cannot change the query', async () => {
    const { users, totalEntries } = await stack.users.listUsers({
      query: {
        $case: 'filter',
        value: {
          filters: [
            { field: UserField.USER_FIELD_LOGIN, operator: FilterOperator.FILTER_OPERATOR_EQ, values: ['alice&per_page=1&filter[]=number id gt 0, x'] },
          ],
        },
      },
    });
    expect(users).toEqual([]);
    expect(totalEntries).toBe(0);
    const query = stack.emulator.state.requestLog.at(-1)!.query!;
    expect(query.match(/filter\[\]=/g)).toHaveLength(1);
    expect(query.match(/per_page=/g)).toHaveLength(1);
    expect(query.match(/&/g)).toHaveLength(2);
  });

  it('ListUsers rejects operators that do not suit the field, wrong value counts and malformed values', async () => {
    const before = requests();
    const error = await expectError(
      stack.users.listUsers({
        query: {
          $case: 'filter',
          value: {
            filters: [
              { field: UserField.USER_FIELD_LOGIN, operator: FilterOperator.FILTER_OPERATOR_GT, values: ['a'] },
              { field: UserField.USER_FIELD_ID, operator: FilterOperator.FILTER_OPERATOR_BETWEEN, values: ['1'] },
              { field: UserField.USER_FIELD_ID, operator: FilterOperator.FILTER_OPERATOR_EQ, values: ['one'] },
              { field: UserField.USER_FIELD_CREATED_AT, operator: FilterOperator.FILTER_OPERATOR_LT, values: ['yesterday'] },
              { field: UserField.USER_FIELD_EMAIL, operator: FilterOperator.FILTER_OPERATOR_IN, values: ['a,b'] },
              { field: UserField.USER_FIELD_UNSPECIFIED, operator: FilterOperator.FILTER_OPERATOR_UNSPECIFIED, values: ['x'] },
            ],
          },
        },
      }),
      { code: Status.INVALID_ARGUMENT, reason: 'INVALID_ARGUMENT' },
    );
    expect(violationsOf(error).map((v) => v.field)).toEqual([
      'filter.filters[0].operator',
      'filter.filters[1].values',
      'filter.filters[2].values[0]',
      'filter.filters[3].values[0]',
      'filter.filters[4].values[0]',
      'filter.filters[5].field',
      'filter.filters[5].operator',
    ]);
    expect(requests()).toBe(before);
  });

  it('ListUsers searches by full name and by tags; no match is an empty page, not an error', async () => {
    const byName = await stack.users.listUsers({ query: { $case: 'fullName', value: 'smith' } });
    expect(byName.users.map((u) => u.login)).toEqual(['alice']);
    const byTags = await stack.users.listUsers({ query: { $case: 'tags', value: { tags: ['android', 'vip'] } } });
    expect(byTags.users.map((u) => u.login).sort()).toEqual(['alice', 'bob']);
    expect(await stack.users.listUsers({ query: { $case: 'fullName', value: 'Nobody Atall' } })).toEqual({ users: [], page: 1, perPage: 10, totalEntries: 0 });
    expect(await stack.users.listUsers({ query: { $case: 'tags', value: { tags: ['nope'] } }, perPage: 5 })).toEqual({
      users: [],
      page: 1,
      perPage: 5,
      totalEntries: 0,
    });
    await expectError(stack.users.listUsers({ query: { $case: 'tags', value: { tags: [] } } }), {
      code: Status.INVALID_ARGUMENT,
      reason: 'INVALID_ARGUMENT',
      fields: ['tags.tags'],
    });
  });
});

describe('UserService changes', () => {
  it("UpdateUser with the user's token changes the masked fields, clears a masked unset one, and changes the password", async () => {
    const erin = await signUp('erin', { fullName: 'Erin E', website: 'https://erin.example' });
    const token = await tokenOf('erin', 'erinPass123');
    const { user } = await stack.users.updateUser(
      { id: erin.id, user: { fullName: 'Erin Example', tags: ['a', 'b'], phone: 'ignored: not in the mask' }, updateMask: ['full_name', 'tags', 'website'] },
      withToken(token),
    );
    expect(user).toMatchObject({ fullName: 'Erin Example', tags: ['a', 'b'] });
    expect(stored('erin')).toMatchObject({ full_name: 'Erin Example', user_tags: 'a,b', phone: null });
    expect(stored('erin')!.website ?? '').toBe('');

    await expectError(stack.users.updateUser({ id: erin.id, password: 'newErinPass1' }, withToken(token)), {
      code: Status.INVALID_ARGUMENT,
      reason: 'INVALID_ARGUMENT',
      fields: ['old_password'],
    });
    await stack.users.updateUser({ id: erin.id, password: 'newErinPass1', oldPassword: 'erinPass123' }, withToken(token));
    await expect(tokenOf('erin', 'newErinPass1')).resolves.toMatch(/^[0-9a-f]{40}$/);
  });

  it('UpdateUser refuses a user token on another user, and an empty or unknown mask', async () => {
    const token = await tokenOf('bob', 'bobPass123');
    await expectError(stack.users.updateUser({ id: stack.idOf('alice'), user: { fullName: 'Hacked' } }, withToken(token)), {
      code: Status.PERMISSION_DENIED,
      reason: 'NOT_OWNER',
    });
    expect(stored('alice')!.full_name).toBe('Alice Smith');
    await expectError(stack.users.updateUser({ id: stack.idOf('bob') }, withToken(token)), {
      code: Status.INVALID_ARGUMENT,
      reason: 'INVALID_ARGUMENT',
      fields: ['update_mask'],
    });
    await expectError(stack.users.updateUser({ id: stack.idOf('bob'), updateMask: ['fullName'] }, withToken(token)), {
      code: Status.INVALID_ARGUMENT,
      reason: 'INVALID_ARGUMENT',
      fields: ['update_mask'],
    });
  });

  it('without a token, UpdateUser and DeleteUser act with the API key when one is configured', async () => {
    const frank = await signUp('frank');
    const { user } = await stack.users.updateUser({ id: frank.id, user: { fullName: 'Frank by key' }, password: 'frankNew123' });
    expect(user!.fullName).toBe('Frank by key');
    const last = stack.emulator.state.requestLog.at(-1)!;
    expect(last).toMatchObject({ method: 'PUT', route: 'PUT /users/{id}.json', status: 200 });
    await expect(tokenOf('frank', 'frankNew123')).resolves.toBeTruthy();
    await stack.users.deleteUser({ target: { $case: 'id', value: frank.id } });
    expect(stored('frank')).toBeUndefined();
  });

  it('without a token or an API key, a write is PERMISSION_DENIED saying what it needs', async () => {
    const error = await expectError(noKey.users.updateUser({ id: noKey.idOf('bob'), user: { fullName: 'X' } }), {
      code: Status.PERMISSION_DENIED,
      reason: 'NEED_USER',
    });
    expect(error.details).toContain('qb-token');
    await expectError(noKey.users.deleteUser({ target: { $case: 'id', value: noKey.idOf('bob') } }), { code: Status.PERMISSION_DENIED, reason: 'NEED_USER' });
    await expectError(noKey.users.createUserToken({ userId: noKey.idOf('bob') }), { code: Status.FAILED_PRECONDITION, reason: 'API_KEY_REQUIRED' });
  });

  it("DeleteUser deletes by id with the user's token, and by external id", async () => {
    const gina = await signUp('gina');
    await stack.users.deleteUser({ target: { $case: 'id', value: gina.id } }, withToken(await tokenOf('gina', 'ginaPass123')));
    expect(stored('gina')).toBeUndefined();
    await signUp('hank', { externalUserId: 7007n });
    await stack.users.deleteUser({ target: { $case: 'externalUserId', value: 7007n } }, withToken(await tokenOf('hank', 'hankPass123')));
    expect(stored('hank')).toBeUndefined();
    await expectError(stack.users.deleteUser({}), { code: Status.INVALID_ARGUMENT, reason: 'INVALID_ARGUMENT', fields: ['target'] });
  });

  it('ResetPassword asks the upstream to send the email', async () => {
    await stack.users.resetPassword({ email: 'alice@example.com' });
    expect(stack.emulator.state.outbox.at(-1)).toMatchObject({ email: 'alice@example.com' });
    await expectError(stack.users.resetPassword({ email: 'x' }), { code: Status.INVALID_ARGUMENT, reason: 'INVALID_ARGUMENT', fields: ['email'] });
  });

  it('CreateUserToken mints a working user token with the API key', async () => {
    const { token, expiresAt } = await stack.users.createUserToken({ userId: stack.idOf('bob') });
    expect(expiresAt).toBeInstanceOf(Date);
    const { session } = await stack.sessions.getSession({}, withToken(token));
    expect(session!.userId).toBe(stack.idOf('bob'));
    await expectError(stack.users.createUserToken({ userId: 5555555n }), { code: Status.NOT_FOUND, reason: 'USER_NOT_FOUND' });
  });
});
