import * as grpc from '@grpc/grpc-js';
import { Metadata, Status } from 'nice-grpc';
import { BadRequest, ErrorInfo, Status as RpcStatus } from '../../gen/index.google.rpc';
import { callerKeys, expectError, loginRequest, type Stack, startStack, withToken } from './harness';

// Defects found by trying the gateway as an attacker would; each test failed before its fix.

const aliceLogin = (password = 'alicePass1!') => loginRequest('alice', password);

describe('field masks naming what every object inherits', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('%s is INVALID_ARGUMENT, and nothing goes upstream', async (path) => {
    const before = stack.emulator.state.requestLog.length;
    await expectError(stack.users.updateUser({ id: stack.idOf('bob'), user: { tags: [] }, updateMask: [path] }), {
      code: Status.INVALID_ARGUMENT,
      reason: 'INVALID_ARGUMENT',
      fields: ['update_mask'],
    });
    expect(stack.emulator.state.requestLog.length).toBe(before);
  });
});

describe('invalid UTF-8 in a string field', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it('is INVALID_ARGUMENT naming the field, and never reaches the upstream', async () => {
    // FindUserRequest { twitter_id (field 5) = ff fe 41 }: bytes no client library would write from a string.
    const request = Buffer.from([(5 << 3) | 2, 3, 0xff, 0xfe, 0x41]);
    const raw = new grpc.Client(`127.0.0.1:${stack.gateway.port}`, grpc.credentials.createInsecure());
    const before = stack.emulator.state.requestLog.length;
    const error = await new Promise<grpc.ServiceError>((resolve, reject) =>
      raw.makeUnaryRequest(
        '/quickblox.v1.UserService/FindUser',
        (b: Buffer) => b,
        (b: Buffer) => b,
        request,
        (e) => (e ? resolve(e) : reject(new Error('the call succeeded'))),
      ),
    );
    raw.close();
    expect(error.code).toBe(grpc.status.INVALID_ARGUMENT);
    const details = RpcStatus.decode(error.metadata.get('grpc-status-details-bin')[0] as Buffer).details;
    const info = details.find((d) => d.typeUrl.endsWith('ErrorInfo'));
    const bad = details.find((d) => d.typeUrl.endsWith('BadRequest'));
    expect(ErrorInfo.decode(info!.value).reason).toBe('INVALID_ARGUMENT');
    expect(BadRequest.decode(bad!.value).fieldViolations.map((v) => v.field)).toEqual(['twitter_id']);
    expect(stack.emulator.state.requestLog.length).toBe(before);
  });

  it('is found in nested and repeated fields too', async () => {
    await expectError(stack.sessions.createSession(aliceLogin('alice\uFFFDPass1')), {
      code: Status.INVALID_ARGUMENT,
      reason: 'INVALID_ARGUMENT',
      fields: ['user.login_password.password'],
    });
    await expectError(stack.users.listUsers({ query: { $case: 'tags', value: { tags: ['ok', 'bad\uFFFD'] } } }), {
      code: Status.INVALID_ARGUMENT,
      reason: 'INVALID_ARGUMENT',
      fields: ['tags.tags[1]'],
    });
  });
});

describe('user session reuse after the credentials change (QB_REUSE_USER_SESSIONS)', () => {
  let stack: Stack;
  beforeEach(async () => {
    stack = await startStack({ env: { QB_REUSE_USER_SESSIONS: 'true' } });
  });
  afterEach(() => stack.close());

  it('hands out no session for the old password once the password changed through the gateway', async () => {
    const { session } = await stack.sessions.createSession(aliceLogin());
    await stack.users.updateUser({ id: stack.idOf('alice'), password: 'alicePass2!', oldPassword: 'alicePass1!' }, withToken(session!.token));
    await expectError(stack.sessions.createSession(aliceLogin()), { code: Status.UNAUTHENTICATED, reason: 'BAD_CREDENTIALS' });
    expect((await stack.sessions.createSession(aliceLogin('alicePass2!'))).session!.token).toBeTruthy();
  });

  it('hands out no session of a user deleted through the gateway, by id or by external id', async () => {
    const { session } = await stack.sessions.createSession(aliceLogin());
    await stack.users.deleteUser({ target: { $case: 'externalUserId', value: 1001n } });
    await expectError(stack.sessions.createSession(aliceLogin()), { code: Status.UNAUTHENTICATED, reason: 'BAD_CREDENTIALS' });
    expect(session!.token).toBeTruthy();

    const bob = loginRequest('bob', 'bobPass123');
    const metadata = { metadata: Metadata({ authorization: `Bearer ${callerKeys.serviceA}` }) };
    await stack.sessions.createSession(bob, metadata);
    await stack.users.deleteUser({ target: { $case: 'id', value: stack.idOf('bob') } });
    await expectError(stack.sessions.createSession(bob, metadata), { code: Status.UNAUTHENTICATED, reason: 'BAD_CREDENTIALS' });
  });
});

describe('a field mask naming a path twice (found by the property suite)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close()); // the strict emulator refuses a repeated key, and close fails on it

  it('sends the field once', async () => {
    const { user } = await stack.users.updateUser({ id: stack.idOf('bob'), user: { fullName: 'Bob Twice', tags: [] }, updateMask: ['full_name', 'full_name'] });
    expect(user!.fullName).toBe('Bob Twice');
    expect(stack.emulator.state.malformed).toEqual([]);
  });
});
