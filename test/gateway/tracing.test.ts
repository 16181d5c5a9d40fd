import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { startTracing, type Tracing, tracingRequested } from '../../server/tracing/tracing';
import { app, type Stack, startStack, withToken } from './harness';

// One SDK per test file: it registers itself globally.
const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let stack: Stack;
beforeAll(async () => {
  tracing = startTracing({}, [new SimpleSpanProcessor({ exporter })])!;
  stack = await startStack();
});
afterAll(async () => {
  await stack.close();
  await tracing.shutdown();
});

async function finishedSpans(): Promise<ReadableSpan[]> {
  await exporter.forceFlush();
  await new Promise((resolve) => setImmediate(resolve));
  return exporter.getFinishedSpans();
}

it('traces each RPC as a server span with the upstream request as its child client span, and sends traceparent upstream', async () => {
  await stack.users.getUser({ id: stack.idOf('alice') });
  exporter.reset();
  const { session } = await stack.sessions.createSession({
    subject: { $case: 'user', value: { method: { $case: 'loginPassword', value: { login: 'alice', password: 'alicePass1!' } } } },
  });
  await stack.users.getUser({ id: stack.idOf('bob') }, withToken(session!.token));

  const spans = await finishedSpans();
  const server = spans.find((s) => s.name === 'quickblox.v1.UserService/GetUser' && s.kind === SpanKind.SERVER)!;
  expect(server).toBeDefined();
  expect(server.attributes).toMatchObject({
    'rpc.system': 'grpc',
    'rpc.service': 'quickblox.v1.UserService',
    'rpc.method': 'GetUser',
    'rpc.grpc.status_code': 0,
  });
  const client = spans.find((s) => s.name === 'GET /users/{id}.json' && s.kind === SpanKind.CLIENT)!;
  expect(client.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
  expect(client.spanContext().traceId).toBe(server.spanContext().traceId);
  expect(client.attributes).toMatchObject({
    'http.request.method': 'GET',
    'server.address': '127.0.0.1',
    'url.template': '/users/{id}.json',
    'http.response.status_code': 200,
  });

  // The emulator received the client span's context in the W3C header.
  const received = stack.emulator.state.requestLog.filter((r) => r.route === 'GET /users/{id}.json').at(-1)!;
  expect(received.traceparent).toBe(`00-${client.spanContext().traceId}-${client.spanContext().spanId}-01`);

  // The session creation is traced too, and no span carries a credential, password or token.
  expect(spans.some((s) => s.name === 'POST /session.json' && s.kind === SpanKind.CLIENT)).toBe(true);
  const everything = JSON.stringify(spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })));
  for (const secret of [app.authSecret, app.apiKey!, 'alicePass1!', session!.token, stack.gateway.upstream.applicationSession.peek()!.token]) {
    expect(everything).not.toContain(secret);
  }
});

it('marks a failed upstream request on its span', async () => {
  exporter.reset();
  await stack.users.getUser({ id: 424242n }).catch(() => undefined);
  const spans = await finishedSpans();
  const client = spans.find((s) => s.kind === SpanKind.CLIENT)!;
  expect(client.attributes).toMatchObject({ 'http.response.status_code': 404, 'error.type': '404' });
  expect(spans.find((s) => s.kind === SpanKind.SERVER)!.attributes['rpc.grpc.status_code']).toBe(5);
});

it('is on only when the OTEL_* variables ask for it', () => {
  expect(tracingRequested({})).toBe(false);
  expect(tracingRequested({ OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
  expect(tracingRequested({ OTEL_TRACES_EXPORTER: 'otlp' })).toBe(true);
  expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
  expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' })).toBe(false);
  expect(startTracing({})).toBeUndefined();
});
