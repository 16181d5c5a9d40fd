import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createChannel, createClient, Metadata } from 'nice-grpc';
import { request } from 'undici';
import { SessionServiceDefinition } from '../../gen/quickblox/v1/session_service';
import { UserServiceDefinition } from '../../gen/quickblox/v1/user_service';
import { type DevGateway, startDevGateway } from './dev-gateway';
import { goTool } from './tools';

/** Jaeger's query API, as the all-in-one binary with no arguments serves it (traces in memory). */
const query = 'http://127.0.0.1:16686';
const service = 'qb-grpc-gateway-e2e';

interface JaegerSpan {
  spanID: string;
  operationName: string;
  references: { refType: string; spanID: string }[];
  tags: { key: string; value: unknown }[];
}
interface JaegerTrace {
  spans: JaegerSpan[];
}

async function jaegerAnswers(): Promise<boolean> {
  return request(`${query}/api/services`).then(
    async (res) => {
      await res.body.text();
      return res.statusCode === 200;
    },
    () => false,
  );
}

/** The traces Jaeger holds for the service (it may take a moment after the export to index them). */
async function traces(): Promise<JaegerTrace[]> {
  const res = await request(`${query}/api/traces?service=${service}&limit=100`);
  return ((await res.body.json()) as { data?: JaegerTrace[] }).data ?? [];
}

/** Resolves once `holds` does; Jaeger is another process, with no event to wait on. */
async function until<T>(get: () => Promise<T>, holds: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await get();
    if (holds(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('traces in a real Jaeger (v1.76.0 all-in-one, OTLP over HTTP)', () => {
  let jaeger: ChildProcess;
  let gateway: DevGateway;
  beforeAll(async () => {
    if (await jaegerAnswers()) throw new Error('something already answers on 127.0.0.1:16686: the test needs its own Jaeger');
    jaeger = spawn(goTool('jaeger'), [], { stdio: 'ignore' });
    await until(jaegerAnswers, Boolean);
    gateway = await startDevGateway({
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_SERVICE_NAME: service,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
  }, 60_000);
  afterAll(async () => {
    await gateway?.stop();
    if (jaeger && jaeger.exitCode === null) {
      const exited = once(jaeger, 'exit');
      jaeger.kill('SIGTERM');
      // Its in-memory store has nothing to flush: a slow shutdown is cut short.
      const slow = setTimeout(() => jaeger.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(slow);
    }
  }, 30_000);

  it('hold a GetUser and a CreateSession, each the upstream client span a child of the server span, no secret in any tag', async () => {
    const channel = createChannel(gateway.target);
    const users = createClient(UserServiceDefinition, channel);
    const sessions = createClient(SessionServiceDefinition, channel);
    await users.getUser({ id: 96752798n });
    const { session } = await sessions.createSession({
      subject: { $case: 'user', value: { method: { $case: 'loginPassword', value: { login: 'alice', password: 'alicePass1!' } } } },
    });
    await users.getUser({ id: 96752798n }, { metadata: Metadata({ 'qb-token': session!.token }) });
    channel.close();

    const operations = (trace: JaegerTrace) => trace.spans.map((s) => s.operationName);
    const found = await until(traces, (all) =>
      ['quickblox.v1.UserService/GetUser', 'quickblox.v1.SessionService/CreateSession'].every((rpc) => all.some((t) => operations(t).includes(rpc))),
    );
    for (const [rpc, upstream] of [
      ['quickblox.v1.UserService/GetUser', 'GET /users/{id}.json'],
      ['quickblox.v1.SessionService/CreateSession', 'POST /session.json'],
    ] as const) {
      const trace = found.find((t) => operations(t).includes(rpc))!;
      const server = trace.spans.find((s) => s.operationName === rpc)!;
      const client = trace.spans.find((s) => s.operationName === upstream)!;
      expect(client).toBeDefined();
      expect(client.references).toContainEqual(expect.objectContaining({ refType: 'CHILD_OF', spanID: server.spanID }));
    }
    const everything = JSON.stringify(found);
    for (const secret of ['alicePass1!', session!.token, 'demo-api-key-0123456789', 'S3cr3tS3cr3tXYZ', 'qb-dev-demo-key'])
      expect(everything).not.toContain(secret);
  }, 60_000);
});
