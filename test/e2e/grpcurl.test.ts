import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type DevGateway, startDevGateway } from './dev-gateway';
import { goTool } from './tools';

const exec = promisify(execFile);

/** The real grpcurl against `npm run dev`'s gateway, once per upstream (`--upstream`). */
describe.each([
  ['quickblox', /^[0-9a-f]{40}$/],
  ['connectycube', /^[0-9A-F]{36}$/],
] as const)('in front of the %s emulator', (upstream, tokenShape) => {
  let gateway: DevGateway;
  let grpcurl: string;

  beforeAll(async () => {
    grpcurl = goTool('grpcurl');
    gateway = await startDevGateway({}, ['--upstream', upstream]);
  }, 60_000);
  afterAll(async () => {
    expect(await gateway.stop()).toEqual({ code: 0, signal: null });
  });

  it('says which emulator it runs against', () => {
    expect(gateway.banner).toContain(`${upstream === 'quickblox' ? 'QuickBlox' : 'ConnectyCube'} (http://127.0.0.1:`);
    expect(gateway.banner).toContain(`as ${upstream}, the default`);
  });

  async function call(...args: string[]): Promise<string> {
    const { stdout } = await exec(grpcurl, ['-plaintext', ...args]);
    return stdout;
  }

  it('lists both services and health through reflection', async () => {
    const services = (await call(gateway.target, 'list')).trim().split('\n');
    expect(services).toEqual(expect.arrayContaining(['quickblox.v1.SessionService', 'quickblox.v1.UserService', 'grpc.health.v1.Health']));
  });

  it('describes a message with its documentation', async () => {
    const text = await call(gateway.target, 'describe', 'quickblox.v1.User');
    expect(text).toContain('quickblox.v1.User is a message');
    expect(text).toContain('int64 id = 1;');
    expect(text).toContain('// The upstream user id');
    expect(await call(gateway.target, 'describe', 'quickblox.v1.UserService.GetUser')).toContain(
      'rpc GetUser ( .quickblox.v1.GetUserRequest ) returns ( .quickblox.v1.GetUserResponse )',
    );
  });

  it('creates a session from JSON and reads a user with -H qb-token', async () => {
    const created = JSON.parse(
      await call('-d', '{"user": {"loginPassword": {"login": "bob", "password": "bobPass123"}}}', gateway.target, 'quickblox.v1.SessionService/CreateSession'),
    ) as { session: { token: string; userId: string; applicationId: string; expiresAt: string } };
    expect(created.session).toMatchObject({ token: expect.stringMatching(tokenShape), applicationId: '12345' });
    expect(Date.parse(created.session.expiresAt)).toBeGreaterThan(Date.now());

    const got = JSON.parse(
      await call(
        '-H',
        `qb-token: ${created.session.token}`,
        '-d',
        JSON.stringify({ id: created.session.userId }),
        gateway.target,
        'quickblox.v1.UserService/GetUser',
      ),
    ) as { user: { id: string; login: string; tags: string[] } };
    expect(got.user).toMatchObject({ id: created.session.userId, login: 'bob', tags: ['android'] });
  });

  it('reports SERVING on grpc.health.v1.Health/Check', async () => {
    expect(JSON.parse(await call(gateway.target, 'grpc.health.v1.Health/Check'))).toEqual({ status: 'SERVING' });
    expect(JSON.parse(await call('-d', '{"service": "quickblox.v1.UserService"}', gateway.target, 'grpc.health.v1.Health/Check'))).toEqual({
      status: 'SERVING',
    });
  });

  it('shows the error details of a bad request, decoded', async () => {
    const failure = await exec(grpcurl, ['-plaintext', '-d', '{"id": "0"}', gateway.target, 'quickblox.v1.UserService/GetUser']).then(
      () => undefined,
      (e: { stderr: string }) => e.stderr,
    );
    expect(failure).toContain('Code: InvalidArgument');
    expect(failure).toContain('"reason": "INVALID_ARGUMENT"');
    expect(failure).toContain('"field": "id"');
  });
});
