import fc from 'fast-check';
import { Status } from 'nice-grpc';
import type { ApplicationConfig } from '../../emulator/config';
import { type ApplicationsStack, as, startApplicationsStack } from './applications-stack';
import { app, callerKeys, expectError, loginRequest, testPolicy } from './harness';

/**
 * Two QuickBlox applications behind one gateway, each on its own emulator,
 * whose users share logins and ids but not names: whatever interleaving of
 * calls reaches them, every answer comes from the application the call named.
 */
const named = (name: string): ApplicationConfig => ({
  ...app,
  id: name === 'a' ? 41001 : 41002,
  users: app.users!.map((u) => ({ ...u, full_name: `${u.login} of ${name}` })),
});
const logins = ['alice', 'bob'] as const;
const passwords: Record<(typeof logins)[number], string> = { alice: 'alicePass1!', bob: 'bobPass123' };

describe('two applications under random interleavings', () => {
  let stack: ApplicationsStack;
  beforeAll(async () => {
    stack = await startApplicationsStack(
      [
        { name: 'a', upstream: 'quickblox', app: named('a') },
        { name: 'b', upstream: 'quickblox', app: named('b') },
      ],
      testPolicy,
      // Batches form (a window of 5 ms) and sessions are reused: the places where two applications could meet.
      { QB_COALESCE_WINDOW_MS: '5', QB_REUSE_USER_SESSIONS: 'true' },
    );
  });
  afterAll(() => stack.close());

  const idOf = (application: string, login: string) =>
    BigInt(stack.emulators[application]!.state.apps.get(named(application).id)!.users.find('login', login)!.id);

  it('never crosses tokens, batches or reads', async () => {
    const call = fc.record({
      application: fc.constantFrom('a', 'b'),
      op: fc.constantFrom('getUser', 'getUsers', 'findUser', 'createSession'),
      login: fc.constantFrom(...logins),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 40 }), async (calls) => {
        const answers = await Promise.all(
          calls.map(async ({ application, op, login }) => {
            const metadata = as(callerKeys.serviceA, application);
            if (op === 'getUser') return (await stack.users.getUser({ id: idOf(application, login) }, { metadata })).user?.fullName;
            if (op === 'getUsers') return (await stack.users.getUsers({ ids: [idOf(application, login)] }, { metadata })).users[0]?.fullName;
            if (op === 'findUser') return (await stack.users.findUser({ key: { $case: 'login', value: login } }, { metadata })).user?.fullName;
            const { session } = await stack.sessions.createSession(loginRequest(login, passwords[login]), { metadata });
            // The token is the named application's: its emulator knows it, the other's does not.
            const other = application === 'a' ? 'b' : 'a';
            const knows = (name: string) => stack.emulators[name]!.state.sessions.find(session!.token, Date.now(), () => 3_600_000) !== undefined;
            return knows(application) && !knows(other) ? `${login} of ${application}` : `token crossed for ${login} of ${application}`;
          }),
        );
        expect(answers).toEqual(calls.map(({ application, login }) => `${login} of ${application}`));
      }),
      { numRuns: 25 },
    );
  });
});

describe('two applications with their own budgets', () => {
  it('a burst past one application’s rate limit is refused there and never touches the other’s', async () => {
    // Each plan allows 5 requests a second and waits for none: with one budget between them, b's three would be refused too.
    const stack = await startApplicationsStack(
      [
        { name: 'a', upstream: 'quickblox', app: named('a'), extra: { rateLimit: 5, rateLimitMaxWaitMs: 0 } },
        { name: 'b', upstream: 'quickblox', app: named('b'), extra: { rateLimit: 5, rateLimitMaxWaitMs: 0 } },
      ],
      testPolicy,
      { QB_COALESCE_WINDOW_MS: '0' },
    );
    try {
      // The application sessions first, each with a read: two of the five requests of each second, so three are left.
      for (const application of ['a', 'b']) await stack.users.getUser({ id: 1n }, { metadata: as(callerKeys.serviceA, application) }).catch(() => undefined);
      const burst = (application: string, n: number) =>
        Promise.allSettled(
          Array.from({ length: n }, (_, i) => stack.users.getUser({ id: BigInt(100 + i) }, { metadata: as(callerKeys.serviceA, application) })),
        );
      const [onA, onB] = await Promise.all([burst('a', 20), burst('b', 3)]);
      const refused = (results: PromiseSettledResult<unknown>[]) =>
        results.filter((r) => r.status === 'rejected' && (r.reason as { code?: Status }).code === Status.RESOURCE_EXHAUSTED).length;
      expect(refused(onA)).toBeGreaterThanOrEqual(15);
      expect(refused(onB)).toBe(0);
      await expectError(stack.users.getUser({ id: 100n }, { metadata: as(callerKeys.serviceA, 'a') }), {
        code: Status.RESOURCE_EXHAUSTED,
        reason: 'RATE_LIMITED',
      });
    } finally {
      await stack.close();
    }
  });
});
