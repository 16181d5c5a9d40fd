import { Status } from 'nice-grpc';
import { SocialProvider, type UserCredentials } from '../../gen/quickblox/v1/session';
import { expectError, type Stack, startStack, withToken } from './harness';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

/** A CreateSession request for user credentials. */
function asUser(method: UserCredentials['method']) {
  return { subject: { $case: 'user' as const, value: { method } } };
}
const alice = asUser({ $case: 'loginPassword', value: { login: 'alice', password: 'alicePass1!' } });

function storedSession(token: string) {
  return stack.emulator.state.sessions.find(token, stack.emulator.state.now(), stack.emulator.state.sessionTtlMs);
}

describe('SessionService.CreateSession', () => {
  it('creates an application session when no subject is given', async () => {
    const { session } = await stack.sessions.createSession({});
    expect(session).toMatchObject({ applicationId: 12345n, userId: undefined });
    expect(session!.token).toMatch(/^[0-9a-f]{40}$/);
    expect(storedSession(session!.token)).toMatchObject({ appId: 12345, userId: 0 });
    // Expiry from QB-Token-ExpirationDate: two hours on.
    const lifetime = session!.expiresAt!.getTime() - session!.createdAt!.getTime();
    expect(Math.abs(lifetime - 2 * 3600_000)).toBeLessThan(5_000);
  });

  it('creates a user session from a login and password', async () => {
    const { session } = await stack.sessions.createSession(alice);
    expect(session!.userId).toBe(stack.idOf('alice'));
    expect(storedSession(session!.token)?.userId).toBe(Number(stack.idOf('alice')));
  });

  it('creates user sessions from an email, a social token, a Firebase phone token and a custom identity token', async () => {
    const byEmail = await stack.sessions.createSession(asUser({ $case: 'emailPassword', value: { email: 'bob@example.com', password: 'bobPass123' } }));
    expect(byEmail.session!.userId).toBe(stack.idOf('bob'));
    const social = await stack.sessions.createSession(
      asUser({ $case: 'social', value: { provider: SocialProvider.SOCIAL_PROVIDER_FACEBOOK, token: '8887366.abc' } }),
    );
    expect(social.session!.userId).toBe(stack.idOf('bob'));
    const phone = await stack.sessions.createSession(
      asUser({ $case: 'firebasePhone', value: { projectId: 'demo-project', accessToken: 'some-firebase-id-token' } }),
    );
    expect(phone.session!.userId).toBeGreaterThan(0n);
    stack.emulator.state.apps.get(12345)!.settings.customIdentityProvider = true;
    const custom = await stack.sessions.createSession(asUser({ $case: 'customIdentity', value: { login: 'idp-user-42', token: 'idp-token' } }));
    expect(custom.session!.userId).toBeGreaterThan(0n);
    stack.emulator.state.apps.get(12345)!.settings.customIdentityProvider = false;
  });

  it('answers wrong credentials with UNAUTHENTICATED BAD_CREDENTIALS', async () => {
    const error = await expectError(stack.sessions.createSession(asUser({ $case: 'loginPassword', value: { login: 'alice', password: 'wrongPass1!' } })), {
      code: Status.UNAUTHENTICATED,
      reason: 'BAD_CREDENTIALS',
    });
    expect(error.details).not.toContain('wrongPass1!');
  });

  it('rejects malformed credentials before anything goes upstream, naming each field', async () => {
    const before = stack.emulator.state.count('POST /session.json');
    await expectError(stack.sessions.createSession(asUser({ $case: 'loginPassword', value: { login: '', password: 'short' } })), {
      code: Status.INVALID_ARGUMENT,
      reason: 'INVALID_ARGUMENT',
      fields: ['user.login_password.login', 'user.login_password.password'],
    });
    await expectError(stack.sessions.createSession(asUser({ $case: 'emailPassword', value: { email: 'not-an-email', password: 'longEnough1' } })), {
      code: Status.INVALID_ARGUMENT,
      reason: 'INVALID_ARGUMENT',
      fields: ['user.email_password.email'],
    });
    await expectError(stack.sessions.createSession(asUser({ $case: 'social', value: { provider: SocialProvider.SOCIAL_PROVIDER_TWITTER, token: 't' } })), {
      code: Status.INVALID_ARGUMENT,
      reason: 'INVALID_ARGUMENT',
      fields: ['user.social.secret'],
    });
    await expectError(stack.sessions.createSession({ subject: { $case: 'user', value: {} } }), {
      code: Status.INVALID_ARGUMENT,
      reason: 'INVALID_ARGUMENT',
      fields: ['user'],
    });
    expect(stack.emulator.state.count('POST /session.json')).toBe(before);
  });

  it('answers the ConnectyCube-only subjects with UNIMPLEMENTED', async () => {
    await expectError(stack.sessions.createSession({ subject: { $case: 'guest', value: {} } }), {
      code: Status.UNIMPLEMENTED,
      reason: 'UNSUPPORTED_BY_UPSTREAM',
    });
    await expectError(stack.sessions.createSession(asUser({ $case: 'firebaseEmail', value: { projectId: 'p', accessToken: 't' } })), {
      code: Status.UNIMPLEMENTED,
      reason: 'UNSUPPORTED_BY_UPSTREAM',
    });
  });
});

describe('SessionService with a token', () => {
  it('GetSession returns the session behind qb-token', async () => {
    const { session } = await stack.sessions.createSession(alice);
    const got = await stack.sessions.getSession({}, withToken(session!.token));
    expect(got.session).toMatchObject({ token: session!.token, id: session!.id, userId: stack.idOf('alice') });
    expect(got.session!.expiresAt).toBeInstanceOf(Date);
  });

  it('needs qb-token, and rejects a malformed one', async () => {
    await expectError(stack.sessions.getSession({}), { code: Status.UNAUTHENTICATED, reason: 'TOKEN_REQUIRED' });
    await expectError(stack.sessions.logout({}), { code: Status.UNAUTHENTICATED, reason: 'TOKEN_REQUIRED' });
    await expectError(stack.sessions.getSession({}, withToken('has space')), {
      code: Status.INVALID_ARGUMENT,
      reason: 'INVALID_ARGUMENT',
      fields: ['qb-token'],
    });
  });

  it('Login upgrades an application session to a user session with the same token, Logout downgrades it', async () => {
    const { session } = await stack.sessions.createSession({});
    const token = session!.token;
    const login = await stack.sessions.login(
      { credentials: { method: { $case: 'loginPassword', value: { login: 'bob', password: 'bobPass123' } } } },
      withToken(token),
    );
    expect(login.user).toMatchObject({ id: stack.idOf('bob'), login: 'bob' });
    expect(login.expiresAt).toBeInstanceOf(Date);
    expect(storedSession(token)?.userId).toBe(Number(stack.idOf('bob')));

    await stack.sessions.logout({}, withToken(token));
    expect(storedSession(token)?.userId).toBe(0);
    const after = await stack.sessions.getSession({}, withToken(token));
    expect(after.session!.userId).toBeUndefined();
  });

  it('Login with wrong credentials is BAD_CREDENTIALS; with a bad field it is INVALID_ARGUMENT', async () => {
    const { session } = await stack.sessions.createSession({});
    await expectError(
      stack.sessions.login({ credentials: { method: { $case: 'loginPassword', value: { login: 'bob', password: 'notBobs123' } } } }, withToken(session!.token)),
      { code: Status.UNAUTHENTICATED, reason: 'BAD_CREDENTIALS' },
    );
    await expectError(stack.sessions.login({}, withToken(session!.token)), {
      code: Status.INVALID_ARGUMENT,
      reason: 'INVALID_ARGUMENT',
      fields: ['credentials'],
    });
  });

  it('DestroySession ends the token for good: later calls with it are SESSION_EXPIRED', async () => {
    const { session } = await stack.sessions.createSession(alice);
    await stack.sessions.destroySession({}, withToken(session!.token));
    expect(storedSession(session!.token)).toBeUndefined();
    await expectError(stack.sessions.getSession({}, withToken(session!.token)), { code: Status.UNAUTHENTICATED, reason: 'SESSION_EXPIRED' });
    await expectError(stack.users.getUser({ id: stack.idOf('bob') }, withToken(session!.token)), { code: Status.UNAUTHENTICATED, reason: 'SESSION_EXPIRED' });
  });
});
