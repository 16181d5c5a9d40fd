// An internal service using the gateway: it signs a user up, logs in as that
// user, looks users up and updates its own profile. In a service of yours,
// import from '@qb-grpc-gateway/client' instead of '../src'.
//
//   npm run build && GATEWAY_ADDRESS=127.0.0.1:50051 node dist/clients/examples/internal-service.js
//
// (from the repository's root, against `npm run dev`; test/e2e/client-example.test.ts runs exactly that).
import { randomBytes } from 'node:crypto';
import { createGatewayClient, GatewayError, UserSession, userMask } from '../src';

export interface ExampleResult {
  userId: bigint;
  login: string;
  foundByLogin: boolean;
  taggedUsers: number;
  fullName: string | undefined;
}

export async function runExample(address: string, log: (line: string) => void = console.log): Promise<ExampleResult> {
  const client = createGatewayClient({ address, defaultDeadlineMs: 5000 });
  const login = `svc-${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('base64url');
  try {
    // Sign up: reads and sign-up work without a user token.
    const { user } = await client.users.createUser({ user: { login, email: `${login}@example.com`, tags: ['service'] }, password });
    log(`signed up ${login} as user ${user!.id}`);

    // A second sign-up with the same login is a typed error naming the field.
    await client.users.createUser({ user: { login }, password }).catch((e: unknown) => {
      if (!(e instanceof GatewayError) || !e.isAlreadyExists()) throw e;
      log(`second sign-up refused: ${e.reason} on ${e.fieldViolations.map((v) => v.field).join(', ')}`);
    });

    // Act as that user from now on: one login, the token on every call, a new login if the session expires.
    const me = new UserSession(client, { $case: 'loginPassword', value: { login, password } });

    const found = await me.run((options) => client.users.findUser({ key: { $case: 'login', value: login } }, options));
    const tagged = await client.users.listUsers({ query: { $case: 'tags', value: { tags: ['service'] } }, perPage: 100 });
    log(`found ${found.user!.login}; ${tagged.users.length} user(s) tagged "service"`);

    const updated = await me.run((options) =>
      client.users.updateUser({ id: user!.id, user: { fullName: 'Example Service' }, updateMask: userMask('full_name') }, options),
    );
    log(`profile updated: ${updated.user!.fullName}`);
    await me.destroy();
    return { userId: user!.id, login, foundByLogin: found.user!.id === user!.id, taggedUsers: tagged.users.length, fullName: updated.user!.fullName };
  } finally {
    client.close();
  }
}

if (require.main === module) {
  runExample(process.env.GATEWAY_ADDRESS ?? '127.0.0.1:50051').catch((e: Error) => {
    console.error(e instanceof GatewayError ? `${e.message} (${e.reason ?? 'no reason'})` : e.message);
    process.exit(1);
  });
}
