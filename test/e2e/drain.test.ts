import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createChannel, createClient, Status } from 'nice-grpc';
import { request } from 'undici';
import { type Emulator, startEmulator } from '../../emulator/server';
import { UserServiceDefinition } from '../../gen/quickblox/v1/user_service';
import { app } from '../gateway/harness';
import { productionEnv, root } from './dev-gateway';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ applications: [structuredClone(app)], host: '127.0.0.1', port: 0 });
});
afterAll(() => emulator.close());

/** Waits for log lines (pino JSON on stdout) by message, over everything the process has written. */
function logWatcher(stream: NodeJS.ReadableStream) {
  let text = '';
  const waiters: (() => void)[] = [];
  stream.on('data', (chunk: string) => {
    text += chunk;
    for (const wake of waiters.splice(0)) wake();
  });
  return async function line(msg: string): Promise<Record<string, unknown>> {
    for (;;) {
      const found = text.split('\n').find((l) => l.includes(`"msg":"${msg}"`));
      if (found) return JSON.parse(found) as Record<string, unknown>;
      await new Promise<void>((wake) => waiters.push(wake));
    }
  };
}

/** The production gateway, started by `command`, in front of the emulator, its log lines on stdout. */
function startGateway(command: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(command, args, {
    cwd: root,
    env: productionEnv(emulator.url, { SHUTDOWN_GRACE_MS: '10000', LOG_LEVEL: 'info', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.setEncoding('utf8');
  child.stderr.pipe(process.stderr);
  return child;
}

it('SIGTERM: readiness goes 503, the call in flight completes, new calls are refused, the process exits 0', async () => {
  const child = startGateway('node', ['dist/server/cli/main.js']);
  const logLine = logWatcher(child.stdout!);
  const listening = await logLine('gRPC server listening');
  await logLine('ready: the upstream accepted the gateway credentials');
  const target = String(listening.address);
  const operator = `http://${String(listening.metrics)}`;
  expect((await request(`${operator}/readyz`)).statusCode).toBe(200);

  const channel = createChannel(target);
  const users = createClient(UserServiceDefinition, channel);
  const id = BigInt(emulator.state.apps.get(app.id)!.users.find('login', 'alice')!.id);
  await users.getUser({ id });
  // Log lines are written in batches (server/logging/logger.ts): a call's line still comes out while the gateway runs.
  expect(await logLine('call')).toMatchObject({ method: '/quickblox.v1.UserService/GetUser', code: 'OK' });

  // A slow upstream: the next call is still in flight when SIGTERM arrives.
  emulator.state.setFaults({ latencyMs: 1500 });
  const inFlight = users.getUser({ id });
  const arrived = emulator.state.requestLog.length;
  const draining = logLine('shutting down: draining in-flight calls');
  await new Promise<void>((resolve) => {
    // The emulator logs a request when it answers; until then, watch the gateway's own count of calls started.
    const check = async () => {
      const res = await request(`${operator}/metrics`);
      const text = await res.body.text();
      const started = /grpc_server_started_total\{[^}]*grpc_method="GetUser"[^}]*\} (\d+)/.exec(text);
      if (started && Number(started[1]) >= 2) resolve();
      else setImmediate(() => void check());
    };
    void check();
  });
  child.kill('SIGTERM');
  await draining;

  const readyz = await request(`${operator}/readyz`).then(
    async (res) => ({ status: res.statusCode, body: await res.body.text() }),
    () => ({ status: 0, body: 'closed' }),
  );
  expect(readyz.status).toBe(503);
  expect(readyz.body).toContain('draining');
  const fresh = createChannel(target);
  await expect(createClient(UserServiceDefinition, fresh).getUser({ id })).rejects.toMatchObject({ code: Status.UNAVAILABLE });
  fresh.close();

  await expect(inFlight).resolves.toMatchObject({ user: { login: 'alice' } });
  expect(emulator.state.requestLog.length).toBeGreaterThan(arrived);
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
  expect({ code, signal }).toEqual({ code: 0, signal: null });
  // What was still in the batch when the process exited was written out.
  await logLine('shut down');
  channel.close();
  emulator.state.setFaults({ latencyMs: 0 });
}, 60_000);

it('SIGTERM sent to `npm start`, as a supervisor or `docker stop` sends it, reaches the gateway: it drains and npm exits 0', async () => {
  const child = startGateway('npm', ['start']);
  const logLine = logWatcher(child.stdout!);
  const listening = await logLine('gRPC server listening');
  await logLine('ready: the upstream accepted the gateway credentials');
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  // Calls shorter than the grace, in flight at the signal, finish OK.
  emulator.state.setFaults({ latencyMs: 500, match: '^GET /users/' });
  const channel = createChannel(String(listening.address));
  const users = createClient(UserServiceDefinition, channel);
  const id = BigInt(emulator.state.apps.get(app.id)!.users.find('login', 'alice')!.id);
  const calls = Promise.all(Array.from({ length: 10 }, () => users.getUser({ id })));
  await callsStarted(`http://${String(listening.metrics)}`, 10);
  child.kill('SIGTERM'); // to npm itself, not to the node process under it
  expect(await logLine('signal received')).toMatchObject({ signal: 'SIGTERM' });
  expect((await calls).map((r) => r.user?.login)).toEqual(Array(10).fill('alice'));
  expect(await exited).toEqual([0, null]);
  channel.close();
  emulator.state.setFaults({ latencyMs: 0, match: '' });
  // Nothing is left listening on the gateway's port.
  await expect(request(`http://${String(listening.metrics)}/healthz`)).rejects.toThrow();
}, 60_000);

it('SIGTERM to `npm start` with calls longer than the grace: each ends UNAVAILABLE at the grace, and the process exits 0 within the grace plus a second', async () => {
  const graceMs = 2000;
  const child = startGateway('npm', ['start'], { SHUTDOWN_GRACE_MS: String(graceMs), QB_COALESCE_WINDOW_MS: '0' });
  const logLine = logWatcher(child.stdout!);
  const listening = await logLine('gRPC server listening');
  await logLine('ready: the upstream accepted the gateway credentials');
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  emulator.state.setFaults({ latencyMs: 6000, match: '^GET /users/' });
  const channel = createChannel(String(listening.address));
  const users = createClient(UserServiceDefinition, channel);
  const id = BigInt(emulator.state.apps.get(app.id)!.users.find('login', 'alice')!.id);
  const ended: number[] = [];
  const calls = Promise.allSettled(
    Array.from({ length: 50 }, () =>
      users.getUser({ id }).finally(() => {
        ended.push(performance.now());
      }),
    ),
  );
  await callsStarted(`http://${String(listening.metrics)}`, 50);
  const signalled = performance.now();
  child.kill('SIGTERM');
  const results = await calls;
  const [code, signal] = await exited;
  const exitMs = performance.now() - signalled;
  const lastCallMs = Math.max(...ended) - signalled;
  console.log(
    `shutdown with ${graceMs} ms grace and 50 calls of 6 s in flight: last call ended ${Math.round(lastCallMs)} ms, process exited ${Math.round(exitMs)} ms after SIGTERM`,
  );
  expect({ code, signal }).toEqual({ code: 0, signal: null });
  expect(results.map((r) => (r.status === 'rejected' ? Status[(r.reason as { code: Status }).code] : 'OK'))).toEqual(Array(50).fill('UNAVAILABLE'));
  expect(String((results[0] as PromiseRejectedResult).reason)).toContain('grace period is over');
  // The grace is the gateway's promise to an orchestrator that kills it soon after: it is kept to the second.
  expect(exitMs).toBeLessThan(graceMs + 1000);
  channel.close();
  emulator.state.setFaults({ latencyMs: 0, match: '' });
}, 60_000);

/** Resolves once the gateway's own metrics count `count` GetUser calls started: they are in flight. */
async function callsStarted(operator: string, count: number): Promise<void> {
  for (;;) {
    const text = await (await request(`${operator}/metrics`)).body.text();
    const started = /grpc_server_started_total\{[^}]*grpc_method="GetUser"[^}]*\} (\d+)/.exec(text);
    if (started && Number(started[1]) >= count) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
