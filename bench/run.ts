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
import { demoApplication } from '../emulator';
import { sign } from '../server';
import { callerCpuUs, closedLoop, type LoadResult, percentile } from './lib/closed-loop';
import { type EqualLoadPath, equalLoad, median, type PathRound } from './lib/equal-load';
import { type EmulatorInfo, metricSum, startGatewayProcess, waitReady } from './lib/gateway-process';
import { type GhzResult, ghz } from './lib/ghz';
import { findGoTool } from './lib/go-tool';
import { collectGarbage } from './lib/inspector-gc';
import { paced, pacingCpuUs } from './lib/paced';
import { freePort, measuredOn, memory, startChild, stop } from './lib/processes';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const QB = require('quickblox') as any;

interface Row extends GhzResult {
  scenario: string;
  /** CPU µs per request of the server process measured (gateway or echo server), if any. */
  serverCpuUs?: number;
  /** CPU µs per request of the calling process, where the caller is this Node process. */
  callerCpuUs?: number;
  peakRssMb?: number;
  note?: string;
}

const { values } = parseArgs({ options: { full: { type: 'boolean', default: false }, rate: { type: 'string', default: '500' } } });
const full = values.full!;
const seconds = full ? 20 : 4;
const warmup = full ? 3 : 1;
const concurrency = 8;
/** The equal-load rounds: every path at `rate` calls/s, `rounds` times, interleaved. */
const rate = Number(values.rate);
const rounds = full ? 5 : 3;
const roundSeconds = full ? 10 : 5;
const cachedSessions = full ? 100_000 : 20_000;
const log = (line: string) => console.log(`[bench] ${line}`);
const app = demoApplication;

async function startGateway(emulator: EmulatorInfo, env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = []) {
  const gateway = await startGatewayProcess(emulator, env, nodeArgs);
  log(`gateway ${gateway.pid} logs to ${gateway.logFile}`);
  return gateway;
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
    callerCpuUs: callerCpuUs(load),
    ...extra,
  };
}

function fromGhz(scenario: string, r: GhzResult, extra: Partial<Row> = {}): Row {
  return { scenario, requests: r.requests, errors: r.errors, rps: r.rps, p50: r.p50, p95: r.p95, p99: r.p99, ...extra };
}

/** A row of the equal-load rounds: CPU per call as the median of the rounds, latencies pooled (ghz: the median of its percentiles). */
function equalRow(scenario: string, rounds: PathRound[]): Row {
  const latencies = rounds.flatMap((r) => r.latencies ?? []).sort((a, b) => a - b);
  const latency = (p: 50 | 95 | 99) => (latencies.length ? percentile(latencies, p) : median(rounds.map((r) => r.ghz?.[`p${p}`] ?? NaN)));
  const requests = rounds.reduce((n, r) => n + r.requests, 0);
  return {
    scenario: `${scenario} at ${rate}/s`,
    requests,
    errors: rounds.reduce((n, r) => n + r.errors, 0),
    rps: requests / (rounds.length * roundSeconds),
    p50: latency(50),
    p95: latency(95),
    p99: latency(99),
    serverCpuUs: median(rounds.map((r) => r.serverCpuUs ?? NaN)),
    callerCpuUs: median(rounds.map((r) => r.callerCpuUs ?? NaN)),
    note: `CPU: median of ${rounds.length} rounds`,
  };
}

/** Runs `fn` with the console silenced: the official SDK prints as it works. */
async function silently<T>(fn: () => Promise<T>): Promise<T> {
  const { log: print, info, warn } = console;
  console.log = console.info = console.warn = () => undefined;
  try {
    return await fn();
  } finally {
    Object.assign(console, { log: print, info, warn });
  }
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
    const { result: r, cpuUs } = await measuredOn(gateway.pid, () =>
      ghz(ghzBin, gateway.target, 'quickblox.v1.UserService/GetUser', { id: String(aliceId) }, { concurrency, seconds }),
    );
    const upstream = (await metricSum(gateway.metricsUrl, 'qb_upstream_requests_total')) - upstreamBefore;
    const grpc = (await metricSum(gateway.metricsUrl, 'grpc_server_handled_total', 'grpc_method="GetUser"')) - grpcBefore;
    upstreamPerCall = upstream / grpc;
    rows.push(fromGhz('1. GetUser via gateway (ghz)', r, { serverCpuUs: cpuUs, peakRssMb: memory(gateway.pid).peakRss / 2 ** 20 }));
  }
  log('1b. GetUser through the gateway with the client package');
  {
    const { result: load, cpuUs } = await measuredOn(gateway.pid, () => closedLoop(getUser, concurrency, seconds));
    rows.push(fromLoad('1b. GetUser via gateway (client package)', load, { serverCpuUs: cpuUs, peakRssMb: memory(gateway.pid).peakRss / 2 ** 20 }));
  }

  // 2. The same REST request straight to the emulator with undici: the HTTP floor.
  log('2. the same REST request with undici (HTTP floor)');
  const params: Record<string, string> = {
    application_id: String(app.id),
    auth_key: app.authKey,
    nonce: '1',
    timestamp: String(Math.floor(Date.now() / 1000)),
  };
  params.signature = sign(params, app.authSecret);
  const pool = new Pool(emulator.httpsUrl, { connections: concurrency, connect: { ca } });
  const created = await pool.request({
    method: 'POST',
    path: '/session.json',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
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
  const sdkGet = () => sdkCall((cb) => QB.users.get(aliceId, cb));
  const sdkLoad = await silently(async () => {
    QB.init(app.id, app.authKey, app.authSecret, { endpoints: { api: new URL(emulator.httpsUrl).host }, debug: false });
    await sdkCall((cb) => QB.createSession(cb));
    await closedLoop(sdkGet, concurrency, warmup);
    return closedLoop(sdkGet, concurrency, seconds);
  });
  rows.push(fromLoad('3. GetUser via official SDK', sdkLoad));

  // 4. A bare nice-grpc echo: the gRPC floor.
  const { child: echoChild, info: echo } = await startChild<{ port: number }>('child/echo-server.js');
  const echoTarget = `127.0.0.1:${echo.port}`;
  if (ghzBin) {
    log('4. bare nice-grpc unary echo (gRPC floor, ghz)');
    await ghz(ghzBin, echoTarget, 'quickblox.v1.UserService/GetUser', { id: '1' }, { concurrency, seconds: warmup });
    const { result: r, cpuUs } = await measuredOn(echoChild.pid!, () =>
      ghz(ghzBin, echoTarget, 'quickblox.v1.UserService/GetUser', { id: '1' }, { concurrency, seconds }),
    );
    rows.push(fromGhz('4. echo server (gRPC floor, ghz)', r, { serverCpuUs: cpuUs, peakRssMb: memory(echoChild.pid!).peakRss / 2 ** 20 }));
  }
  const echoClient = createGatewayClient({ address: echoTarget });
  {
    log('4b. bare nice-grpc unary echo with the client package');
    const call = () => echoClient.users.getUser({ id: 1n });
    await closedLoop(call, concurrency, warmup);
    const { result: load, cpuUs } = await measuredOn(echoChild.pid!, () => closedLoop(call, concurrency, seconds));
    rows.push(fromLoad('4b. echo server (client package)', load, { serverCpuUs: cpuUs }));
  }

  // E. Equal load. CPU per call falls as load rises (one wake-up serves several calls), so floors run at
  // their own, higher, throughput look cheaper per call than they would at the gateway's. Here every path
  // gets the same calls per second, in interleaved rounds; each ratio is taken within a round.
  const pace = { rate, concurrency, seconds: roundSeconds };
  const pacingUs = await pacingCpuUs(pace);
  log(
    `E. equal load: ${rounds} rounds of every path at ${rate} calls/s, ${roundSeconds} s each, at most ${concurrency} in flight (pacing costs this process ${pacingUs.toFixed(0)} µs per call, subtracted)`,
  );
  // The gRPC floor and the gateway under the same load generator: ghz when there is one, else the client package.
  const grpcLoad = (target: string, call: () => Promise<unknown>, id: string) => () =>
    ghzBin ? ghz(ghzBin, target, 'quickblox.v1.UserService/GetUser', { id }, { concurrency, seconds: roundSeconds, rps: rate }) : paced(call, pace);
  const generator = ghzBin ? 'ghz' : 'client package';
  const equalPaths: EqualLoadPath[] = [
    { name: `E1. GetUser via gateway (${generator})`, run: grpcLoad(gateway.target, getUser, String(aliceId)), serverPid: gateway.pid },
    {
      name: `E4. echo server (gRPC floor, ${generator})`,
      run: grpcLoad(echoTarget, () => echoClient.users.getUser({ id: 1n }), '1'),
      serverPid: echoChild.pid!,
    },
    { name: 'E2. REST via undici (HTTP floor)', run: () => paced(direct, pace) },
    { name: 'E1b. GetUser via gateway (client package)', run: () => paced(getUser, pace), serverPid: gateway.pid },
    { name: 'E3. GetUser via official SDK', run: () => silently(() => paced(sdkGet, pace)) },
  ];
  const equal = await equalLoad(equalPaths, rounds, pacingUs, (round) => log(`   round ${round}/${rounds}`));
  echoClient.close();
  await stop(echoChild);
  const equalRows = equalPaths.map((path, i) => equalRow(path.name, equal[i]!));
  const [gatewayRounds, echoRounds, undiciRounds] = equal as [PathRound[], PathRound[], PathRound[]];
  const roundRatios = gatewayRounds.map((g, i) => g.serverCpuUs! / (echoRounds[i]!.serverCpuUs! + undiciRounds[i]!.callerCpuUs!));

  // 5. CreateSession with login and password: through the gateway, and with the SDK.
  log('5. CreateSession with login and password, gateway and SDK');
  const login = {
    subject: { $case: 'user' as const, value: { method: { $case: 'loginPassword' as const, value: { login: 'alice', password: 'alicePass1!' } } } },
  };
  const createViaGateway = () => client.sessions.createSession(login);
  await closedLoop(createViaGateway, concurrency, warmup);
  {
    const { result: load, cpuUs } = await measuredOn(gateway.pid, () => closedLoop(createViaGateway, concurrency, seconds));
    rows.push(fromLoad('5a. CreateSession via gateway', load, { serverCpuUs: cpuUs }));
  }
  const createViaSdk = () => sdkCall((cb) => QB.createSession({ login: 'alice', password: 'alicePass1!' }, cb));
  const sdkCreate = await silently(async () => {
    await closedLoop(createViaSdk, concurrency, warmup);
    return closedLoop(createViaSdk, concurrency, seconds);
  });
  rows.push(
    fromLoad('5b. CreateSession via official SDK', sdkCreate, {
      note: sdkCreate.errors ? 'errors: the SDK draws nonces from 0..9999, which repeat within a second' : undefined,
    }),
  );
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
  // The inspector lets the benchmark force a full GC before each RSS reading, as DevTools would: RSS then
  // holds what the gateway keeps, not the garbage of the 100,000 calls that just ended.
  const inspectorPort = await freePort();
  const cache = await startGateway(emulator, { QB_REUSE_USER_SESSIONS: 'true', LOG_LEVEL: 'warn' }, [`--inspect=127.0.0.1:${inspectorPort}`]);
  await waitReady(cache.metricsUrl);
  const cacheClient = createGatewayClient({ address: cache.target, retry: false, defaultDeadlineMs: 60_000 });
  for (let i = 0; i < 200; i++) await cacheClient.sessions.createSession(login, { metadata: Metadata({ authorization: `warmup-${i}` }) });
  await collectGarbage(inspectorPort);
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
  const unforced = memory(cache.pid);
  await collectGarbage(inspectorPort);
  const after = memory(cache.pid);
  const bytesPerSession = (after.rss - before) / cachedSessions;
  const bytesPerSessionUnforced = (unforced.rss - before) / cachedSessions;
  rows.push({
    scenario: `7. gateway RSS, 0 → ${cachedSessions.toLocaleString('en')} cached sessions`,
    requests: cachedSessions,
    errors: 0,
    rps: NaN,
    p50: NaN,
    p95: NaN,
    p99: NaN,
    peakRssMb: after.peakRss / 2 ** 20,
    note: `RSS after a full GC ${(before / 2 ** 20).toFixed(1)} → ${(after.rss / 2 ** 20).toFixed(1)} MB: ${Math.round(bytesPerSession)} B per cached session (${entries} entries); before that GC ${(unforced.rss / 2 ** 20).toFixed(1)} MB`,
  });
  cacheClient.close();
  await stop(cache.child);
  const { info: heap } = await startChild<{ entries: number; bytesPerEntry: number }>('child/session-cache-memory.js', {
    NODE_OPTIONS: '--expose-gc',
    BENCH_ENTRIES: String(cachedSessions),
  });
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
  const equalByName = (prefix: string) => equalRows.find((r) => r.scenario.startsWith(prefix))!;
  const closedGatewayCpu = byName('1. ')?.serverCpuUs ?? byName('1b.')!.serverCpuUs!;
  const closedEchoCpu = byName('4. ')?.serverCpuUs ?? byName('4b.')!.serverCpuUs!;
  const closedUndiciCpu = byName('2. ')!.callerCpuUs!;
  const hop = (viaGateway: Row, viaSdk: Row) => ({
    p50: viaGateway.p50 - viaSdk.p50,
    p99: viaGateway.p99 - viaSdk.p99,
    callerCpu: viaGateway.callerCpuUs! / viaSdk.callerCpuUs!,
  });
  const equalHop = hop(equalByName('E1b.'), equalByName('E3.'));
  const closedHop = hop(byName('1b.')!, byName('3. ')!);
  const ratios = {
    equalLoadRate: rate,
    gatewayCpuOverFloors: median(roundRatios),
    gatewayCpuOverFloorsByRound: roundRatios,
    hopP50Ms: equalHop.p50,
    hopP99Ms: equalHop.p99,
    callerCpuClientOverSdk: equalHop.callerCpu,
    closedLoop: {
      gatewayCpuOverFloors: closedGatewayCpu / (closedEchoCpu + closedUndiciCpu),
      hopP50Ms: closedHop.p50,
      hopP99Ms: closedHop.p99,
      callerCpuClientOverSdk: closedHop.callerCpu,
    },
    upstreamRequestsPerGetUser: upstreamPerCall,
    coldStormSessionCreations: stormSessions,
    rssBytesPerCachedSession: bytesPerSession,
    rssBytesPerCachedSessionBeforeGc: bytesPerSessionUnforced,
    heapBytesPerCachedSession: heap.bytesPerEntry,
  };
  const atMost = (value: number, limit: number, unit = '') =>
    value <= limit ? 'met' : `**missed** by ${unit ? `${(value - limit).toFixed(2)} ${unit}` : `${(value / limit).toFixed(2)}×`}`;
  const range = `rounds ${roundRatios.map((r) => r.toFixed(2)).join(', ')}`;
  const targets = [
    [
      'gateway CPU per GetUser ÷ (echo CPU + undici CPU)',
      `${ratios.gatewayCpuOverFloors.toFixed(2)} (${range})`,
      ratios.closedLoop.gatewayCpuOverFloors.toFixed(2),
      '≤ 1.25',
      atMost(ratios.gatewayCpuOverFloors, 1.25),
    ],
    ['p50 via gateway − p50 via SDK (ms)', ratios.hopP50Ms.toFixed(2), ratios.closedLoop.hopP50Ms.toFixed(2), '≤ 1', atMost(ratios.hopP50Ms, 1, 'ms')],
    ['p99 via gateway − p99 via SDK (ms)', ratios.hopP99Ms.toFixed(2), ratios.closedLoop.hopP99Ms.toFixed(2), '≤ 3', atMost(ratios.hopP99Ms, 3, 'ms')],
    ['caller CPU per lookup: client package ÷ SDK', ratios.callerCpuClientOverSdk.toFixed(2), ratios.closedLoop.callerCpuClientOverSdk.toFixed(2), '—', ''],
    [
      'upstream requests per GetUser (steady state)',
      '',
      Number.isNaN(upstreamPerCall) ? 'n/a (no ghz)' : upstreamPerCall.toFixed(3),
      '= 1',
      upstreamPerCall === 1 ? 'met' : '**missed**',
    ],
    ['upstream session creations in the cold storm', '', String(stormSessions), '= 1', stormSessions === 1 ? 'met' : '**missed**'],
    [
      'gateway RSS per cached user session, after a full GC (bytes)',
      '',
      String(Math.round(bytesPerSession)),
      '< 2048',
      bytesPerSession < 2048 ? 'met' : `**missed** by ${(bytesPerSession / 2048).toFixed(2)}×`,
    ],
    ['heap per cached user session, the cache alone (bytes)', '', String(heap.bytesPerEntry), '—', ''],
  ];

  const fmt = (n: number | undefined, digits = 1) => (n === undefined || Number.isNaN(n) ? '—' : n.toFixed(digits));
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const markdown = [
    `Benchmark (${full ? 'full' : 'short'}: ${seconds} s per scenario, ${concurrency} in flight; equal load: ${rounds} rounds of ${roundSeconds} s at ${rate} calls/s), ${new Date().toISOString()}, ${machine}`,
    '',
    '| scenario | requests | errors | req/s | p50 ms | p95 ms | p99 ms | server CPU µs/req | caller CPU µs/req | peak RSS MB | note |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...[...rows, ...equalRows].map(
      (r) =>
        `| ${r.scenario} | ${r.requests} | ${r.errors} | ${fmt(r.rps, 0)} | ${fmt(r.p50, 2)} | ${fmt(r.p95, 2)} | ${fmt(r.p99, 2)} | ${fmt(r.serverCpuUs, 0)} | ${fmt(r.callerCpuUs, 0)} | ${fmt(r.peakRssMb)} | ${r.note ?? ''} |`,
    ),
    '',
    `| derived | equal load, ${rate} calls/s | closed loop, ${concurrency} in flight | target | verdict |`,
    '|---|---|---|---|---|',
    ...targets.map((cells) => `| ${cells.join(' | ')} |`),
    '',
  ].join('\n');
  const dir = resolve(__dirname, '../../bench/results');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  writeFileSync(
    resolve(dir, `${stamp}.json`),
    `${JSON.stringify({ mode: full ? 'full' : 'short', seconds, concurrency, rate, rounds, roundSeconds, machine, rows: [...rows, ...equalRows], ratios }, null, 2)}\n`,
  );
  writeFileSync(resolve(dir, `${stamp}.md`), markdown);
  console.log(`\n${markdown}`);
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s; results in bench/results/${stamp}.{md,json}`);
}

main().catch((e: Error) => {
  console.error(e);
  process.exit(1);
});
