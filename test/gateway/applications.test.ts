import { createClientFactory, Status } from 'nice-grpc';
import { createGatewayClient } from '../../clients/src';
import type { Emulator } from '../../emulator/server';
import { HealthCheckResponse_ServingStatus, HealthDefinition } from '../../gen/grpc/health/v1/health';
import { type RedisServer, redisServerAvailable, startRedisServer } from '../support/redis-server';
import { heldInRedis, testStoreSecret } from '../support/shared-stores';
import { type ApplicationsStack, as, startApplicationsStack } from './applications-stack';
import { app, callerKeys, expectError, testPolicy } from './harness';

/**
 * Three applications behind one gateway (GATEWAY_APPLICATIONS_FILE): `main`
 * and `second` on two QuickBlox emulators, `cube` on a ConnectyCube one, each
 * its own account. A call names its application with `qb-application`.
 */
const second = { ...app, id: 22222, authKey: 'SecondKey22222', users: [{ ...app.users![0]!, full_name: 'Alice of second' }] };
const cube = { ...app, id: 33333, authKey: 'CubeKey33333', users: [{ ...app.users![0]!, full_name: 'Alice of cube' }] };

const aliceOf = (e: Emulator, id: number) => BigInt(e.state.apps.get(id)!.users.find('login', 'alice')!.id);

const [owner, serviceA, serviceB] = testPolicy.callers;
const policy = { callers: [{ ...owner, ownerPowers: ['main'] }, { ...serviceA, applications: ['cube'] }, serviceB] };
const applications = [
  { name: 'main', upstream: 'quickblox', app },
  { name: 'second', upstream: 'quickblox', app: second, extra: { breakerFailures: 0 } },
  { name: 'cube', upstream: 'connectycube', app: cube },
] as const;

// Without Redis, and with a real redis-server shared by the applications (each under its own keys).
const withRedis = redisServerAvailable();
describe.each([['without Redis', false], ...(withRedis ? [['with Redis', true] as const] : [])] as const)(
  'several applications behind one gateway, %s',
  (_shown, redis) => {
    let stack: ApplicationsStack;
    let server: RedisServer | undefined;
    let emulators: Record<'main' | 'second' | 'cube', Emulator>;
    let gateway: ApplicationsStack['gateway'];
    let channel: ApplicationsStack['channel'];
    const users = () => stack.users;

    beforeAll(async () => {
      server = redis ? await startRedisServer() : undefined;
      const env = {
        QB_BREAKER_FAILURES: '3',
        QB_BREAKER_OPEN_MS: '60000',
        ...(server ? { REDIS_URL: server.url, REDIS_ENCRYPTION_KEY: testStoreSecret } : {}),
      };
      stack = await startApplicationsStack(applications, policy, env);
      ({ gateway, channel } = stack);
      emulators = stack.emulators as typeof emulators;
    });

    afterAll(async () => {
      await stack.close();
      await server?.stop();
    });

    if (redis) {
      it('keeps each application under its own account in Redis', async () => {
        await users().getUser({ id: aliceOf(emulators.cube, cube.id) }, { metadata: as(callerKeys.serviceB, 'cube') });
        await users().getUser({ id: aliceOf(emulators.second, second.id) }, { metadata: as(callerKeys.serviceB, 'second') });
        const { keys } = await heldInRedis(server!.url);
        for (const account of [`quickblox:${second.id}`, `connectycube:${cube.id}`]) expect(keys).toContain(`qb:{${account}}:app-session`);
      });
    }

    it('serves a call from the application it names, and from the default when it names none', async () => {
      const client = users();
      const fromDefault = await client.findUser({ key: { $case: 'login', value: 'alice' } }, { metadata: as(callerKeys.serviceB) });
      expect(fromDefault.user?.fullName).toBe('Alice Smith');
      const fromSecond = await client.findUser({ key: { $case: 'login', value: 'alice' } }, { metadata: as(callerKeys.serviceB, 'second') });
      expect(fromSecond.user?.fullName).toBe('Alice of second');
      const fromCube = await client.getUser({ id: aliceOf(emulators.cube, cube.id) }, { metadata: as(callerKeys.serviceB, 'cube') });
      expect(fromCube.user?.fullName).toBe('Alice of cube');
    });

    it('refuses an unknown application with INVALID_ARGUMENT naming the known ones, and sends nothing', async () => {
      const before = Object.values(emulators).map((e) => e.state.received);
      const error = await expectError(users().getUser({ id: 1n }, { metadata: as(callerKeys.serviceB, 'staging') }), {
        code: Status.INVALID_ARGUMENT,
        reason: 'UNKNOWN_APPLICATION',
        fields: ['qb-application'],
      });
      expect(error.details).toContain('main, second, cube');
      expect(Object.values(emulators).map((e) => e.state.received)).toEqual(before);
    });

    it('lets a caller call only the applications the policy grants it', async () => {
      const client = users();
      await expectError(client.getUser({ id: 1n }, { metadata: as(callerKeys.serviceA) }), {
        code: Status.PERMISSION_DENIED,
        reason: 'APPLICATION_NOT_ALLOWED',
      });
      await expectError(client.getUser({ id: 1n }, { metadata: as(callerKeys.serviceA, 'second') }), {
        code: Status.PERMISSION_DENIED,
        reason: 'APPLICATION_NOT_ALLOWED',
      });
      const got = await client.getUser({ id: aliceOf(emulators.cube, cube.id) }, { metadata: as(callerKeys.serviceA, 'cube') });
      expect(got.user?.login).toBe('alice');
    });

    it('grants owner powers per application', async () => {
      const client = users();
      const update = (application: string, id: bigint) =>
        client.updateUser(
          { id, user: { fullName: `Renamed in ${application}`, tags: [] }, updateMask: ['full_name'] },
          { metadata: as(callerKeys.owner, application) },
        );
      expect((await update('main', aliceOf(emulators.main, app.id))).user?.fullName).toBe('Renamed in main');
      await expectError(update('second', aliceOf(emulators.second, second.id)), { code: Status.PERMISSION_DENIED, reason: 'OWNER_POWERS_NOT_GRANTED' });
    });

    it('lets the client package name a default application and a call another', async () => {
      const client = createGatewayClient({
        address: `127.0.0.1:${gateway.port}`,
        retry: false,
        application: 'second',
        metadata: { authorization: `Bearer ${callerKeys.serviceB}` },
      });
      try {
        const byDefault = await client.users.findUser({ key: { $case: 'login', value: 'alice' } });
        expect(byDefault.user?.fullName).toBe('Alice of second');
        const byCall = await client.users.getUser({ id: aliceOf(emulators.cube, cube.id) }, { application: 'cube' });
        expect(byCall.user?.fullName).toBe('Alice of cube');
      } finally {
        client.close();
      }
    });

    it('never shares a batch, a read or an application session between two applications', async () => {
      const client = users();
      const [mainAlice, secondAlice] = [aliceOf(emulators.main, app.id), aliceOf(emulators.second, second.id)];
      // Both emulators number their users alike: these are identical reads, and coalescing merges within one application only.
      expect(secondAlice).toBe(mainAlice);
      const reads = Array.from({ length: 8 }, (_, i) =>
        client.getUsers({ ids: [mainAlice] }, { metadata: as(callerKeys.serviceB, i % 2 ? 'second' : 'main') }).then((r) => [i % 2, r.users[0]?.fullName]),
      );
      const mainName = emulators.main.state.apps.get(app.id)?.users.find('login', 'alice')?.full_name;
      for (const [odd, fullName] of await Promise.all(reads)) expect(fullName).toBe(odd ? 'Alice of second' : mainName);
      const token = (name: string) => gateway.applications.get(name)?.upstream.applicationSession.peek()?.token;
      expect(token('second')).toBeDefined();
      expect(token('second')).not.toBe(token('main'));
    });

    it('keeps one application’s outage and open breaker from another', async () => {
      const client = users();
      emulators.main.state.setFaults({ failNext: 1000, errorStatus: 503, match: '^GET /users' });
      try {
        for (let i = 0; i < 4; i++) {
          await expectError(client.getUser({ id: aliceOf(emulators.main, app.id) }, { metadata: as(callerKeys.serviceB) }), {
            code: Status.UNAVAILABLE,
            reason: 'UPSTREAM_UNAVAILABLE',
          });
        }
        // main's breaker is open now (3 failures): second and cube answer as before.
        const sentToMain = emulators.main.state.received;
        await expectError(client.getUser({ id: aliceOf(emulators.main, app.id) }, { metadata: as(callerKeys.serviceB) }), {
          code: Status.UNAVAILABLE,
          reason: 'UPSTREAM_UNAVAILABLE',
        });
        expect(emulators.main.state.received).toBe(sentToMain);
        expect((await client.getUser({ id: aliceOf(emulators.second, second.id) }, { metadata: as(callerKeys.serviceB, 'second') })).user?.login).toBe('alice');
        expect((await client.getUser({ id: aliceOf(emulators.cube, cube.id) }, { metadata: as(callerKeys.serviceB, 'cube') })).user?.login).toBe('alice');
      } finally {
        emulators.main.state.setFaults({ failNext: 0, match: '' });
      }
    });
    it('answers the health service per application, and labels every metric with the application', async () => {
      const health = createClientFactory().create(HealthDefinition, channel);
      for (const name of ['main', 'second', 'cube']) {
        expect((await health.check({ service: `quickblox.v1.application.${name}` })).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
      }
      await expect(health.check({ service: 'quickblox.v1.application.staging' })).rejects.toMatchObject({ code: Status.NOT_FOUND });
      const text = await (await fetch(`http://127.0.0.1:${gateway.metricsPort}/metrics`)).text();
      for (const name of ['main', 'second', 'cube']) {
        expect(text).toMatch(new RegExp(`^qb_upstream_requests_total\\{application="${name}",method="GET",`, 'm'));
        expect(text).toMatch(new RegExp(`^qb_caller_calls_total\\{application="${name}",caller="service-b",`, 'm'));
      }
      // The outage above opened main's breaker only.
      expect(text).toMatch(/^qb_upstream_circuit_state\{application="main"\} 2$/m);
      expect(text).toMatch(/^qb_upstream_circuit_state\{application="cube"\} 0$/m);
      // A call naming no known application is counted with an empty application, which Prometheus stores as none.
      expect(text).toMatch(
        /^qb_caller_calls_total\{application="",caller="service-b",method="\/quickblox.v1.UserService\/GetUser",code="INVALID_ARGUMENT"\} 1$/m,
      );
    });

    it('learns each upstream clock apart: a skewed one moves only its own offset', async () => {
      emulators.cube.state.setFaults({ clockOffsetMs: 120_000 });
      try {
        await users().getUser({ id: aliceOf(emulators.cube, cube.id) }, { metadata: as(callerKeys.serviceB, 'cube') });
        await users().getUser({ id: aliceOf(emulators.second, second.id) }, { metadata: as(callerKeys.serviceB, 'second') });
        const offset = (name: string) => gateway.applications.get(name)?.upstream.clock.offsetMs() ?? Number.NaN;
        expect(Math.abs(offset('cube') - 120_000)).toBeLessThan(2000);
        expect(Math.abs(offset('second'))).toBeLessThan(2000);
      } finally {
        emulators.cube.state.setFaults({ clockOffsetMs: 0 });
      }
    });

    it('keeps readiness apart: an application whose credentials are refused is not ready, the others and the process are', async () => {
      const health = createClientFactory().create(HealthDefinition, channel);
      const status = async (name: string) => (await health.check({ service: `quickblox.v1.application.${name}` })).status;
      const secondApp = emulators.second.state.apps.get(second.id)!;
      const secret = secondApp.config.authSecret;
      // The upstream stops accepting second's signature and drops its session: the next call finds second misconfigured.
      secondApp.config.authSecret = 'rotated-elsewhere-0000';
      emulators.second.state.sessions.expireAll();
      try {
        await expectError(users().getUser({ id: aliceOf(emulators.second, second.id) }, { metadata: as(callerKeys.serviceB, 'second') }), {
          code: Status.UNAVAILABLE,
          reason: 'GATEWAY_MISCONFIGURED',
        });
        expect(await status('second')).toBe(HealthCheckResponse_ServingStatus.NOT_SERVING);
        expect([await status('main'), await status('cube')]).toEqual([HealthCheckResponse_ServingStatus.SERVING, HealthCheckResponse_ServingStatus.SERVING]);
        expect((await health.check({ service: '' })).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
      } finally {
        secondApp.config.authSecret = secret;
      }
    });
  },
);
