import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChannel, createClient } from 'nice-grpc';
import { request } from 'undici';
import { UserServiceDefinition } from '../../gen/quickblox/v1/user_service';
import { type DevGateway, startDevGateway } from './dev-gateway';

/** A loopback port nobody listens on right now, for a tool that cannot report the port it picked. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Asks Prometheus's HTTP API until `done` accepts the answer (Prometheus scrapes every second), for at most `ms`. */
async function queryUntil<T>(base: string, query: string, done: (result: T[]) => boolean, ms = 30_000): Promise<T[]> {
  const until = Date.now() + ms;
  let last: T[] = [];
  while (Date.now() < until) {
    const res = await request(`${base}/api/v1/query?query=${encodeURIComponent(query)}`).catch(() => undefined);
    if (res?.statusCode === 200) {
      last = ((await res.body.json()) as { data: { result: T[] } }).data.result;
      if (done(last)) return last;
    } else await res?.body.dump();
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`Prometheus never answered ${query} as expected; last answer: ${JSON.stringify(last)}`);
}

type Series = { metric: Record<string, string>; value: [number, string] };

let gateway: DevGateway;
let prometheus: ChildProcess;
let base: string;

beforeAll(async () => {
  gateway = await startDevGateway();
  const dir = mkdtempSync(join(tmpdir(), 'qb-gateway-prometheus-'));
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global:',
      '  scrape_interval: 1s',
      'scrape_configs:',
      '  - job_name: qb-grpc-gateway',
      '    static_configs:',
      `      - targets: ['${gateway.operator}']`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  prometheus = spawn(
    'prometheus',
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
    { stdio: 'ignore' },
  );
  await new Promise<void>((resolve, reject) => {
    prometheus.once('spawn', resolve);
    prometheus.once('error', (e) => reject(new Error(`cannot start prometheus (apt-get install prometheus): ${e.message}`)));
  });
}, 60_000);

afterAll(async () => {
  prometheus?.kill('SIGTERM');
  await gateway?.stop();
});

it('Prometheus scrapes the gateway and finds the gRPC and upstream counters with their labels and values', async () => {
  const channel = createChannel(gateway.target);
  const users = createClient(UserServiceDefinition, channel);
  const id = BigInt(/"id": "(\d+)"/.exec(gateway.calls[0]!)![1]!);
  for (let i = 0; i < 7; i++) await users.getUser({ id });
  await users.getUser({ id: 1n }).catch(() => undefined);
  channel.close();

  const handled = await queryUntil<Series>(base, 'grpc_server_handled_total{grpc_method="GetUser"}', (r) =>
    r.some((s) => s.metric.grpc_code === 'OK' && s.value[1] === '7'),
  );
  expect(handled.find((s) => s.metric.grpc_code === 'OK')!.metric).toMatchObject({
    job: 'qb-grpc-gateway',
    grpc_service: 'quickblox.v1.UserService',
    grpc_type: 'unary',
  });
  expect(handled.find((s) => s.metric.grpc_code === 'NOT_FOUND')?.value[1]).toBe('1');

  const upstream = await queryUntil<Series>(base, 'qb_upstream_requests_total{route="/users/{id}.json"}', (r) =>
    r.some((s) => s.metric.status_class === '2xx' && s.value[1] === '7'),
  );
  expect(upstream.find((s) => s.metric.status_class === '2xx')!.metric).toMatchObject({ method: 'GET', route: '/users/{id}.json', application: 'quickblox' });
  expect(upstream.find((s) => s.metric.status_class === '4xx')?.value[1]).toBe('1');

  // npm run dev serves two applications: each made its own application session, and says so under its name.
  const sessions = await queryUntil<Series>(base, 'qb_sessions_created_total{kind="application",result="success"}', (r) => r.length === 2);
  expect(sessions.map((s) => [s.metric.application, s.value[1]]).sort()).toEqual([
    ['connectycube', '1'],
    ['quickblox', '1'],
  ]);
}, 60_000);
