/**
 * `npm run bench` (short, under 3 minutes) and `npm run bench -- --full`: the
 * gateway beside its floors and beside the official SDK, in one run on one
 * machine, so that the ratios hold however noisy the machine is. Prints
 * progress, a Markdown table and the derived ratios, and writes both to
 * bench/results/. See bench/README.md.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { globalAgent } from 'node:https';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Metadata } from 'nice-grpc';
import { Pool, request } from 'undici';
import { createGatewayClient } from '../clients/src';
import { demoApplication } from '../emulator/demo';
import { sign } from '../server/upstream/signing';
import { closedLoop, percentile, type LoadResult } from './lib/closed-loop';
import { ghz, type GhzResult } from './lib/ghz';
import { findGoTool } from './lib/go-tool';
import { cpuSeconds, freePort, memory, startChild, stop } from './lib/processes';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const QB = require('quickblox') as any;

interface EmulatorInfo {
  url: string;
  httpsUrl: string;
  certFile: string;
  aliceId: number;
}

interface Row extends GhzResult {
  scenario: string;
  /** CPU µs per request of the server process measured (gateway or echo server), if any. */
  serverCpuUs?: number;
  /** CPU µs per request of the calling process, where the caller is this Node process. */
  callerCpuUs?: number;
  peakRssMb?: number;
  note?: string;
}

const { values } = parseArgs({ options: { full: { type: 'boolean', default: false } } });
const full = values.full!;
const seconds = full ? 20 : 4;
const warmup = full ? 3 : 1;
const concurrency = 8;
const cachedSessions = full ? 100_000 : 20_000;
const log = (line: string) => console.log(`[bench] ${line}`);
const app = demoApplication;

async function startGateway(emulator: EmulatorInfo, env: NodeJS.ProcessEnv = {}) {
  const [grpcPort, metricsPort] = [await freePort(), await freePort()];
  const { child } = await startChild<unknown>('../server/cli/main.js', {
    QB_APPLICATION_ID: String(app.id),
    QB_AUTH_KEY: app.authKey,
    QB_AUTH_SECRET: app.authSecret,
    QB_API_KEY: app.apiKey,
    QB_API_ENDPOINT: emulator.httpsUrl,
    QB_API_CA_FILE: emulator.certFile,
    GRPC_HOST: '127.0.0.1',
    GRPC_PORT: String(grpcPort),
    METRICS_PORT: String(metricsPort),
    LOG_LEVEL: 'info',
    ...env,
  }, false);
  const metricsUrl = `http://127.0.0.1:${metricsPort}`;
  return { child, target: `127.0.0.1:${grpcPort}`, metricsUrl, pid: child.pid! };
}

async function metricSum(metricsUrl: string, name: string, filter = ''): Promise<number> {
  const text = await (await request(`${metricsUrl}/metrics`)).body.text();
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith(`${name}{`) && line.includes(filter)) sum += Number(line.split(' ').at(-1));
  return sum;
}

async function waitReady(metricsUrl: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const res = await request(`${metricsUrl}/readyz`).catch(() => undefined);
    await res?.body.dump();
    if (res?.statusCode === 200) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('gateway not ready');
}

function fromLoad(scenario: string, load: LoadResult, extra: Partial<Row> = {}): Row {
  return {
    scenario,
    requests: load.requests,
    errors: load.errors,
    rps: load.requests / load.seconds,
    p50: percentile(load.latencies, 50),
    p95: percentile(load.latencies, 95),
    p99: percentile(load.latencies, 99),
    callerCpuUs: (load.callerCpuSeconds * 1e6) / Math.max(1, load.requests + load.errors),
    ...extra,
  };
}

function fromGhz(scenario: string, r: GhzResult, extra: Partial<Row> = {}): Row {
  return { scenario, requests: r.requests, errors: r.errors, rps: r.rps, p50: r.p50, p95: r.p95, p99: r.p99, ...extra };
}

const sdkCall = <T>(fn: (cb: (error: unknown, result: T) => void) => void) =>
  new Promise<T>((resolveCall, reject) => fn((error, result) => (error ? reject(error) : resolveCall(result))));

async function main(): Promise<void> {
  const started = Date.now();
  const rows: Row[] = [];
  const ghzBin = findGoTool('ghz');
  if (!ghzBin) log('ghz not found (go install github.com/bojand/ghz/cmd/ghz@latest): the ghz scenarios are left out');
  log(`${full ? 'full' : 'short'} run: ${seconds} s per scenario after ${warmup} s of warm-up, ${concurrency} calls in flight`);

  const { child: emulatorChild, info: emulator } = await startChild<EmulatorInfo>('child/emulator-server.js');
  const ca = readFileSync(emulator.certFile, 'utf8');
  const aliceId = emulator.aliceId;
  log(`emulator on ${emulator.httpsUrl}`);

  // 1. GetUser through the gateway, warm application session: ghz for throughput, the client package for the caller's view.
  const gateway = await startGateway(emulator);
  await waitReady(gateway.metricsUrl);
  const client = createGatewayClient({ address: gateway.target });
  const getUser = () => client.users.getUser({ id: BigInt(aliceId) });
  await closedLoop(getUser, concurrency, warmup);
  let upstreamPerCall = NaN;
  if (ghzBin) {
    log('1. GetUser through the gateway (ghz)');
    await ghz(ghzBin, gateway.target, 'quickblox.v1.UserService/GetUser', { id: String(aliceId) }, { concurrency, seconds: warmup });
    const upstreamBefore = await metricSum(gateway.metricsUrl, 'qb_upstream_requests_total');
    const grpcBefore = await metricSum(gateway.metricsUrl, 'grpc_server_handled_total', 'grpc_method="GetUser"');
    const cpu = cpuSeconds(gateway.pid);
    const r = await ghz(ghzBin, gateway.target, 'quickblox.v1.UserService/GetUser', { id: String(aliceId) }, { concurrency, seconds });
    const used = cpuSeconds(gateway.pid) - cpu;
    const upstream = (await metricSum(gateway.metricsUrl, 'qb_upstream_requests_total')) - upstreamBefore;
    const grpc = (await metricSum(gateway.metricsUrl, 'grpc_server_handled_total', 'grpc_method="GetUser"')) - grpcBefore;
    upstreamPerCall = upstream / grpc;
    rows.push(fromGhz('1. GetUser via gateway (ghz)', r, { serverCpuUs: (used * 1e6) / r.requests, peakRssMb: memory(gateway.pid).peakRss / 2 ** 20 }));
  }
  log('1b. GetUser through the gateway with the client package');
  {
    const cpu = cpuSeconds(gateway.pid);
    const load = await closedLoop(getUser, concurrency, seconds);
    const used = cpuSeconds(gateway.pid) - cpu;
    rows.push(fromLoad('1b. GetUser via gateway (client package)', load, { serverCpuUs: (used * 1e6) / load.requests, peakRssMb: memory(gateway.pid).peakRss / 2 ** 20 }));
  }

  // 2. The same REST request straight to the emulator with undici: the HTTP floor.
  log('2. the same REST request with undici (HTTP floor)');
  const params: Record<string, string> = { application_id: String(app.id), auth_key: app.authKey, nonce: '1', timestamp: String(Math.floor(Date.now() / 1000)) };
  params.signature = sign(params, app.authSecret);
  const pool = new Pool(emulator.httpsUrl, { connections: concurrency, connect: { ca } });
  const created = await pool.request({ method: 'POST', path: '/session.json', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });
  const appToken = ((await created.body.json()) as { session: { token: string } }).session.token;
  const direct = async () => {
    const res = await pool.request({ method: 'GET', path: `/users/${aliceId}.json`, headers: { 'qb-token': appToken } });
    return res.body.json();
  };
  await closedLoop(direct, concurrency, warmup);
  rows.push(fromLoad('2. REST via undici (HTTP floor)', await closedLoop(direct, concurrency, seconds)));

  // 3. The same lookup with the official quickblox SDK: what a team does today.
  log('3. the same lookup with the official quickblox SDK');
  globalAgent.options.ca = ca;
  const quiet = console.log;
  console.log = () => undefined;
  QB.init(app.id, app.authKey, app.authSecret, { endpoints: { api: new URL(emulator.httpsUrl).host }, debug: false });
  await sdkCall((cb) => QB.createSession(cb));
  const sdkGet = () => sdkCall((cb) => QB.users.get(aliceId, cb));
  await closedLoop(sdkGet, concurrency, warmup);
  const sdkLoad = await closedLoop(sdkGet, concurrency, seconds);
  console.log = quiet;
  rows.push(fromLoad('3. GetUser via official SDK', sdkLoad));

  // 4. A bare nice-grpc echo: the gRPC floor.
  const { child: echoChild, info: echo } = await startChild<{ port: number }>('child/echo-server.js');
  const echoTarget = `127.0.0.1:${echo.port}`;
  if (ghzBin) {
    log('4. bare nice-grpc unary echo (gRPC floor, ghz)');
    await ghz(ghzBin, echoTarget, 'quickblox.v1.UserService/GetUser', { id: '1' }, { concurrency, seconds: warmup });
    const cpu = cpuSeconds(echoChild.pid!);
    const r = await ghz(ghzBin, echoTarget, 'quickblox.v1.UserService/GetUser', { id: '1' }, { concurrency, seconds });
    rows.push(fromGhz('4. echo server (gRPC floor, ghz)', r, { serverCpuUs: ((cpuSeconds(echoChild.pid!) - cpu) * 1e6) / r.requests, peakRssMb: memory(echoChild.pid!).peakRss / 2 ** 20 }));
  }
  {
    log('4b. bare nice-grpc unary echo with the client package');
    const echoClient = createGatewayClient({ address: echoTarget });
    const call = () => echoClient.users.getUser({ id: 1n });
    await closedLoop(call, concurrency, warmup);
    const cpu = cpuSeconds(echoChild.pid!);
    const load = await closedLoop(call, concurrency, seconds);
    rows.push(fromLoad('4b. echo server (client package)', load, { serverCpuUs: ((cpuSeconds(echoChild.pid!) - cpu) * 1e6) / load.requests }));
    echoClient.close();
  }
  await stop(echoChild);

  // 5. CreateSession with login and password: through the gateway, and with the SDK.
  log('5. CreateSession with login and password, gateway and SDK');
  const login = { subject: { $case: 'user' as const, value: { method: { $case: 'loginPassword' as const, value: { login: 'alice', password: 'alicePass1!' } } } } };
  const createViaGateway = () => client.sessions.createSession(login);
  await closedLoop(createViaGateway, concurrency, warmup);
  {
    const cpu = cpuSeconds(gateway.pid);
    const load = await closedLoop(createViaGateway, concurrency, seconds);
    rows.push(fromLoad('5a. CreateSession via gateway', load, { serverCpuUs: ((cpuSeconds(gateway.pid) - cpu) * 1e6) / load.requests }));
  }
  console.log = () => undefined;
  const createViaSdk = () => sdkCall((cb) => QB.createSession({ login: 'alice', password: 'alicePass1!' }, cb));
  await closedLoop(createViaSdk, concurrency, warmup);
  const sdkCreate = await closedLoop(createViaSdk, concurrency, seconds);
  console.log = quiet;
  rows.push(fromLoad('5b. CreateSession via official SDK', sdkCreate, { note: sdkCreate.errors ? 'errors: the SDK draws nonces from 0..9999, which repeat within a second' : undefined }));
  client.close();
  await stop(gateway.child);

  // 6. Cold storm: 1,000 concurrent first calls on a gateway that has just started.
  log('6. cold storm: 1,000 concurrent first calls on a fresh gateway');
  await request(`${emulator.url}/__admin/stats/reset`, { method: 'POST' });
  const fresh = await startGateway(emulator);
  // /healthz answers as soon as the gRPC port is bound; the application session is only then being created.
  for (;;) {
    const res = await request(`${fresh.metricsUrl}/healthz`).catch(() => undefined);
    await res?.body.dump();
    if (res?.statusCode === 200) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const freshClient = createGatewayClient({ address: fresh.target, retry: false });
  const stormStart = performance.now();
  const stormLatencies: number[] = [];
  let stormErrors = 0;
  await Promise.all(
    Array.from({ length: 1000 }, async () => {
      const t = performance.now();
      try {
        await freshClient.users.getUser({ id: BigInt(aliceId) });
        stormLatencies.push(performance.now() - t);
      } catch {
        stormErrors++;
      }
    }),
  );
  const stormSeconds = (performance.now() - stormStart) / 1000;
  const stats = (await (await request(`${emulator.url}/__admin/stats`)).body.json()) as { requests: Record<string, Record<string, number>> };
  const stormSessions = Object.values(stats.requests['POST /session.json'] ?? {}).reduce((a, b) => a + b, 0);
  stormLatencies.sort((a, b) => a - b);
  rows.push({
    scenario: '6. cold storm, 1,000 first calls',
    requests: stormLatencies.length,
    errors: stormErrors,
    rps: stormLatencies.length / stormSeconds,
    p50: percentile(stormLatencies, 50),
    p95: percentile(stormLatencies, 95),
    p99: percentile(stormLatencies, 99),
    note: `upstream session creations: ${stormSessions}`,
  });
  freshClient.close();
  await stop(fresh.child);

  // 7. Memory: RSS with no cached user session, then with many.
  log(`7. memory: ${cachedSessions.toLocaleString('en')} cached user sessions`);
  const cache = await startGateway(emulator, { QB_REUSE_USER_SESSIONS: 'true', LOG_LEVEL: 'warn' });
  await waitReady(cache.metricsUrl);
  const cacheClient = createGatewayClient({ address: cache.target, retry: false, defaultDeadlineMs: 60_000 });
  for (let i = 0; i < 200; i++) await cacheClient.sessions.createSession(login, { metadata: Metadata({ authorization: `warmup-${i}` }) });
  const before = memory(cache.pid).rss;
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < cachedSessions) {
        const i = next++;
        await cacheClient.sessions.createSession(login, { metadata: Metadata({ authorization: `caller-${i}` }) });
        if (i % 10_000 === 0 && i > 0) log(`   ${i.toLocaleString('en')} sessions cached`);
      }
    }),
  );
  const entries = await metricSum(cache.metricsUrl, 'qb_token_cache_entries', 'cache="user"');
  const after = memory(cache.pid);
  const bytesPerSession = (after.rss - before) / cachedSessions;
  rows.push({
    scenario: `7. gateway RSS, 0 → ${cachedSessions.toLocaleString('en')} cached sessions`,
    requests: cachedSessions,
    errors: 0,
    rps: NaN,
    p50: NaN,
    p95: NaN,
    p99: NaN,
    peakRssMb: after.peakRss / 2 ** 20,
    note: `RSS ${(before / 2 ** 20).toFixed(1)} → ${(after.rss / 2 ** 20).toFixed(1)} MB, ${Math.round(bytesPerSession)} B per cached session (${entries} entries)`,
  });
  cacheClient.close();
  await stop(cache.child);
  const { info: heap } = await startChild<{ entries: number; bytesPerEntry: number }>('child/session-cache-memory.js', { NODE_OPTIONS: '--expose-gc', BENCH_ENTRIES: String(cachedSessions) });
  rows.push({
    scenario: `7b. heap per cached session (the cache alone, ${cachedSessions.toLocaleString('en')} entries, after full GC)`,
    requests: heap.entries,
    errors: 0,
    rps: NaN,
    p50: NaN,
    p95: NaN,
    p99: NaN,
    note: `${heap.bytesPerEntry} B per cached session`,
  });
  await pool.close();
  await stop(emulatorChild);

  const byName = (prefix: string) => rows.find((r) => r.scenario.startsWith(prefix));
  const gatewayCpu = byName('1. ')?.serverCpuUs ?? byName('1b.')!.serverCpuUs!;
  const echoCpu = byName('4. ')?.serverCpuUs ?? byName('4b.')!.serverCpuUs!;
  const undiciCpu = byName('2. ')!.callerCpuUs!;
  const viaGateway = byName('1b.')!;
  const viaSdk = byName('3. ')!;
  const ratios = {
    gatewayCpuOverFloors: gatewayCpu / (echoCpu + undiciCpu),
    hopP50Ms: viaGateway.p50 - viaSdk.p50,
    hopP99Ms: viaGateway.p99 - viaSdk.p99,
    callerCpuClientOverSdk: viaGateway.callerCpuUs! / viaSdk.callerCpuUs!,
    upstreamRequestsPerGetUser: upstreamPerCall,
    coldStormSessionCreations: stormSessions,
    rssBytesPerCachedSession: bytesPerSession,
    heapBytesPerCachedSession: heap.bytesPerEntry,
  };
  const targets = [
    ['gateway CPU per GetUser ÷ (echo CPU + undici CPU)', ratios.gatewayCpuOverFloors.toFixed(2), '≤ 1.25'],
    ['p50 via gateway − p50 via SDK (ms, 8 in flight)', ratios.hopP50Ms.toFixed(2), '≤ 1'],
    ['p99 via gateway − p99 via SDK (ms, 8 in flight)', ratios.hopP99Ms.toFixed(2), '≤ 3'],
    ['caller CPU per lookup: client package ÷ SDK', ratios.callerCpuClientOverSdk.toFixed(2), '—'],
    ['upstream requests per GetUser (steady state)', Number.isNaN(upstreamPerCall) ? 'n/a (no ghz)' : upstreamPerCall.toFixed(3), '= 1'],
    ['upstream session creations in the cold storm', String(stormSessions), '= 1'],
    ['heap per cached user session, after full GC (bytes)', String(heap.bytesPerEntry), '< 2048'],
    ['gateway RSS growth per cached user session (bytes, GC not forced)', String(Math.round(bytesPerSession)), '< 2048'],
  ];

  const fmt = (n: number | undefined, digits = 1) => (n === undefined || Number.isNaN(n) ? '—' : n.toFixed(digits));
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const markdown = [
    `Benchmark (${full ? 'full' : 'short'}: ${seconds} s per scenario, ${concurrency} in flight), ${new Date().toISOString()}, ${machine}`,
    '',
    '| scenario | requests | errors | req/s | p50 ms | p95 ms | p99 ms | server CPU µs/req | caller CPU µs/req | peak RSS MB | note |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) =>
      `| ${r.scenario} | ${r.requests} | ${r.errors} | ${fmt(r.rps, 0)} | ${fmt(r.p50, 2)} | ${fmt(r.p95, 2)} | ${fmt(r.p99, 2)} | ${fmt(r.serverCpuUs, 0)} | ${fmt(r.callerCpuUs, 0)} | ${fmt(r.peakRssMb)} | ${r.note ?? ''} |`,
    ),
    '',
    '| derived | measured | target |',
    '|---|---|---|',
    ...targets.map(([what, value, target]) => `| ${what} | ${value} | ${target} |`),
    '',
  ].join('\n');
  const dir = resolve(__dirname, '../../bench/results');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  writeFileSync(resolve(dir, `${stamp}.json`), `${JSON.stringify({ mode: full ? 'full' : 'short', seconds, concurrency, machine, rows, ratios }, null, 2)}\n`);
  writeFileSync(resolve(dir, `${stamp}.md`), markdown);
  console.log(`\n${markdown}`);
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s; results in bench/results/${stamp}.{md,json}`);
}

main().catch((e: Error) => {
  console.error(e);
  process.exit(1);
});
