import { SocialProvider } from '../../gen/quickblox/v1/session';
import { app, startStack, upstreams, withToken } from './harness';

/**
 * Drives every RPC, successes and failures, through gateways logging at the
 * most verbose level, captures every line they write and scans the lot for
 * any credential, password or token that passed through them.
 */
it.each(upstreams)('logs of a full run on %s contain no auth secret, API key, password or token', async (upstream) => {
  const stack = await startStack({ upstream, env: { LOG_LEVEL: 'trace', QB_REUSE_USER_SESSIONS: 'true' }, prewarm: true });
  // A wrong secret: QuickBlox refuses every signature; ConnectyCube, which signs only with a secret set, too.
  const misconfigured = await startStack({ upstream, env: { LOG_LEVEL: 'trace', QB_AUTH_SECRET: 'Wr0ngButSecretValue' } });
  const secrets = new Set<string>([app.authSecret, app.apiKey!, 'Wr0ngButSecretValue', 'alicePass1!', 'bobPass123']);
  const remember = (...values: (string | undefined)[]) => {
    for (const v of values) if (v) secrets.add(v);
  };
  const ignore = () => undefined;
  try {
    const { users, sessions } = stack;
    const user = (login: string, password: string) => ({
      subject: { $case: 'user' as const, value: { method: { $case: 'loginPassword' as const, value: { login, password } } } },
    });

    const appSession = (await sessions.createSession({})).session!;
    const alice = (await sessions.createSession(user('alice', 'alicePass1!'))).session!;
    remember(appSession.token, alice.token);
    await sessions.createSession(user('alice', 'wrongPassword9')).catch(ignore);
    remember('wrongPassword9');
    await sessions.createSession({
      subject: {
        $case: 'user',
        value: {
          method: { $case: 'social', value: { provider: SocialProvider.SOCIAL_PROVIDER_FACEBOOK, token: 'fb-access-token-123', secret: 'fb-secret-456' } },
        },
      },
    });
    remember('fb-access-token-123', 'fb-secret-456');
    await sessions.getSession({}, withToken(alice.token));
    await sessions.login(
      { credentials: { method: { $case: 'emailPassword', value: { email: 'bob@example.com', password: 'bobPass123' } } } },
      withToken(appSession.token),
    );
    await sessions.logout({}, withToken(appSession.token));

    const created = (await users.createUser({ user: { login: 'ivy', email: 'ivy@example.com' }, password: 'ivySecret123' })).user!;
    remember('ivySecret123');
    await users.createUser({ user: { login: 'ivy' }, password: 'dupSecret123' }).catch(ignore);
    remember('dupSecret123');
    const ivy = (await sessions.createSession(user('ivy', 'ivySecret123'))).session!;
    remember(ivy.token);
    await users.getUser({ id: created.id });
    await users.getUsers({ ids: [created.id, stack.idOf('alice')] });
    await users.findUser({ key: { $case: 'login', value: 'ivy' } });
    await users.listUsers({ query: { $case: 'tags', value: { tags: ['web'] } } });
    await users.updateUser({ id: created.id, password: 'ivyNewSecret1', oldPassword: 'ivySecret123' }, withToken(ivy.token));
    await users.updateUser({ id: created.id, password: 'ivyOther9999', oldPassword: 'notTheOld123' }, withToken(ivy.token)).catch(ignore);
    remember('ivyNewSecret1', 'ivyOther9999', 'notTheOld123');
    await users.resetPassword({ email: 'ivy@example.com' });
    if (upstream === 'quickblox') remember((await users.createUserToken({ userId: created.id })).token);
    else remember((await sessions.createSession({ subject: { $case: 'guest', value: { fullName: 'Olof' } } })).session?.token);
    await users.getUser({ id: 1n }, withToken('not-a-live-token-abc')).catch(ignore);
    remember('not-a-live-token-abc');
    await users.deleteUser({ target: { $case: 'id', value: created.id } }, withToken(ivy.token));
    await sessions.destroySession({}, withToken(alice.token));
    await misconfigured.users.getUser({ id: 1n }).catch(ignore);
    remember(stack.gateway.upstream.applicationSession.peek()?.token);
  } finally {
    await Promise.all([stack.close(), misconfigured.close()]);
  }

  const logs = [...stack.logs, ...misconfigured.logs].join('');
  expect(stack.logs.length).toBeGreaterThan(20);
  expect(logs).toContain('"method":"/quickblox.v1.UserService/UpdateUser"');
  const leaked = [...secrets].filter((secret) => logs.includes(secret));
  expect(leaked).toEqual([]);
});
