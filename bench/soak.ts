/**
 * `npm run bench:soak` (10 minutes; `-- --minutes N`): the gateway as
 * deployed (Redis, reuse, a caller policy with owner powers) against the
 * emulator for a long while, at 80 % of the capacity measured first, with a
 * mix of every read and write a calling team makes, an upstream expiry of
 * every session each minute, one Redis restart and one circuit-breaker trip.
 * Reports per minute: calls, errors by status (and whether a fault explains
 * them), p50/p99, the event-loop delay p99, RSS and heap after a forced full
 * GC, the cache's entries; then the slope of heap after GC over the run.
 * Writes bench/results/soak-<time>.md.
 *
 *   npm run bench:soak -- [--minutes 10] [--rate <calls/s>] [--node 26]
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { request } from 'undici';
import { createGatewayClient, type GatewayClient } from '../clients/src';
import { demoApplication } from '../emulator';
import { closedLoop } from './lib/closed-loop';
import { type EmulatorInfo, metricSum, startGatewayProcess, waitReady } from './lib/gateway-process';
import { censusChange, type HeapCensus, heapCensus } from './lib/heap-census';
import { collectGarbage } from './lib/inspector';
import { paced } from './lib/paced';
import { freePort, memory, startChild } from './lib/processes';
import { redisInstalled, startBenchRedis } from './lib/redis';
import { writeResult } from './lib/results';
import { benchEntry, runtimeLine } from './lib/runtime';
import { slope } from './lib/slope';
import { stop } from './lib/supervise';

const bearer = 'soak-caller-key-0123456789';
/** How long after a fault its errors are put down to it: the breaker's open time and a retry's pause, with room. */
const faultWindowMs = 5000;

interface Minute {
  calls: number;
  errors: Record<string, number>;
  /** Errors that began outside every fault's window: the soak's target is none. */
  unexplained: number;
  p50: number;
  p99: number;
  loopDelayP99Ms: number;
  rssMb: number;
  heapMb: number;
  /** Of the heap, the compiled code (V8's code space): it grows as the optimiser compiles more, and is no kept data. */
  codeMb: number;
  cacheEntries: number;
  events: string[];
}

/** Admin calls to the emulator (`/__admin`, emulator/README.md). */
const admin = (emulator: EmulatorInfo, method: 'POST' | 'PATCH', path: string, body: unknown) =>
  request(`${emulator.url}/__admin/${path}`, { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }).then((r) =>
    r.body.json(),
  );

/** The calls of the mix, each as often as its weight: reads most, then sign-ins, then changes. */
function mixOf(client: GatewayClient, users: { id: bigint; login: string }[]): (() => Promise<unknown>)[] {
  let n = 0;
  const user = () => users[n++ % users.length]!;
  const getUser = () => client.users.getUser({ id: user().id });
  const getUsers = () => client.users.getUsers({ ids: [user().id, user().id, user().id] });
  const findUser = () => client.users.findUser({ key: { $case: 'login', value: user().login } });
  const listUsers = () => client.users.listUsers({ perPage: 20, page: 1 + (n++ % 5) });
  const createSession = () => {
    const { login } = user();
    return client.sessions.createSession({
      subject: { $case: 'user', value: { method: { $case: 'loginPassword', value: { login, password: 'soakPass123' } } } },
    });
  };
  const updateUser = () => client.users.updateUser({ id: user().id, user: { fullName: `Soak ${n}`, tags: [] }, updateMask: ['full_name'] });
  return [
    ...Array<() => Promise<unknown>>(7).fill(getUser),
    ...Array<() => Promise<unknown>>(2).fill(getUsers),
    ...Array<() => Promise<unknown>>(3).fill(findUser),
    ...Array<() => Promise<unknown>>(2).fill(listUsers),
    ...Array<() => Promise<unknown>>(4).fill(createSession),
    ...Array<() => Promise<unknown>>(2).fill(updateUser),
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' }, rate: { type: 'string' } } });
  const minutes = Number(values.minutes);
  if (!(Number.isInteger(minutes) && minutes >= 1)) throw new Error(`--minutes: a whole number of minutes, 1 or more (got "${values.minutes}")`);
  if (!redisInstalled()) throw new Error('bench:soak needs redis-server (apt-get install redis-server): it restarts it mid-run');
  const log = (line: string) => console.log(`[soak] ${line}`);
  log(runtimeLine());
  const { info: emulator } = await startChild<EmulatorInfo>('child/emulator-server.js');
  const redis = await startBenchRedis();
  const policyFile = join(tmpdir(), `qb-soak-policy-${process.pid}.json`);
  const keyHash = createHash('sha256').update(bearer).digest('hex');
  writeFileSync(policyFile, JSON.stringify({ callers: [{ name: 'soak', bearerKeySha256: keyHash, methods: ['*'], ownerPowers: true }] }));
  const inspectorPort = await freePort();
  const gateway = await startGatewayProcess(
    emulator,
    {
      REDIS_URL: redis.url,
      REDIS_ENCRYPTION_KEY: 'soak-only-secret-of-32-characters-x',
      QB_REUSE_USER_SESSIONS: 'true',
      GATEWAY_POLICY_FILE: policyFile,
      QB_BREAKER_OPEN_MS: '2000',
      LOG_LEVEL: 'warn',
    },
    [`--inspect=127.0.0.1:${inspectorPort}`],
  );
  log(`gateway ${gateway.pid} logs to ${gateway.logFile}`);
  await waitReady(gateway.metricsUrl);
  const client = createGatewayClient({ address: gateway.target, retry: false, metadata: { authorization: `Bearer ${bearer}` } });

  const users: { id: bigint; login: string }[] = [];
  for (let i = 0; i < 200; i++) {
    const login = `soak-user-${i}`;
    const { user } = (await admin(emulator, 'POST', `applications/${demoApplication.id}/users`, {
      login,
      password: 'soakPass123',
      full_name: `Soak ${i}`,
    })) as { user: { id: number } };
    users.push({ id: BigInt(user.id), login });
  }
  const mix = mixOf(client, users);
  let next = 0;
  const failures: number[] = [];
  const call = () =>
    mix[next++ % mix.length]!().catch((e: unknown) => {
      failures.push(performance.now());
      throw e;
    });

  const capacity = values.rate ? Number(values.rate) / 0.8 : (await closedLoop(call, 32, 10)).requests / 10;
  const rate = Math.round(capacity * 0.8);
  log(
    `capacity ${Math.round(capacity)} calls/s${values.rate ? ' (from --rate)' : ' (closed loop, 32 in flight, 10 s)'}; soaking at ${rate} calls/s for ${minutes} min`,
  );
  failures.length = 0;

  const faults: number[] = [];
  const events: string[] = [];
  const at = (fraction: number) => Math.floor(minutes * fraction);
  const timers: NodeJS.Timeout[] = [];
  const started = performance.now();
  const schedule = (atMs: number, what: string, run: () => Promise<unknown>) =>
    timers.push(
      setTimeout(() => {
        faults.push(performance.now());
        events.push(what);
        log(`${((performance.now() - started) / 1000).toFixed(0)} s: ${what}`);
        run().catch((e: Error) => log(`${what} failed: ${e.message}`));
      }, atMs),
    );
  for (let m = 0; m < minutes; m++) schedule(m * 60_000 + 30_000, 'every session expired upstream', () => admin(emulator, 'POST', 'sessions/expire', {}));
  schedule(at(0.4) * 60_000 + 15_000, 'Redis killed, back after 2 s', () => redis.restart(2000));
  // More 503s in a row than QB_BREAKER_FAILURES (5): the breaker opens for QB_BREAKER_OPEN_MS.
  schedule(at(0.7) * 60_000 + 45_000, 'circuit breaker tripped (10 × 503)', () =>
    admin(emulator, 'PATCH', 'faults', { failNext: 10, errorStatus: 503, match: '^GET /users/' }),
  );

  const table: Minute[] = [];
  // The heap is counted kind by kind after the first minute (the caches full, the traffic's code compiled once)
  // and after the last; a run of one minute counts before it.
  let firstCensus: HeapCensus | undefined;
  if (minutes === 1) {
    await collectGarbage(inspectorPort);
    firstCensus = await heapCensus(inspectorPort);
  }
  for (let m = 0; m < minutes; m++) {
    const minuteStart = performance.now();
    const load = await paced(call, { rate, concurrency: 64, seconds: 60 });
    const errors: Record<string, number> = { ...load.errorCauses };
    const explained = (t: number) => faults.some((f) => t >= f && t - f <= faultWindowMs);
    const unexplained = failures.filter((t) => t >= minuteStart && !explained(t)).length;
    await collectGarbage(inspectorPort);
    const at = (q: number) => load.latencies[Math.min(load.latencies.length - 1, Math.floor(load.latencies.length * q))] ?? Number.NaN;
    const row: Minute = {
      calls: load.requests + load.errors,
      errors,
      unexplained,
      p50: at(0.5),
      p99: at(0.99),
      loopDelayP99Ms: (await metricSum(gateway.metricsUrl, 'nodejs_eventloop_lag_p99_seconds')) * 1000,
      rssMb: memory(gateway.pid).rss / 2 ** 20,
      heapMb: (await metricSum(gateway.metricsUrl, 'nodejs_heap_size_used_bytes')) / 2 ** 20,
      codeMb: (await metricSum(gateway.metricsUrl, 'nodejs_heap_space_size_used_bytes', 'space="code"')) / 2 ** 20,
      cacheEntries: await metricSum(gateway.metricsUrl, 'qb_token_cache_entries', 'cache="user"'),
      events: events.splice(0),
    };
    table.push(row);
    log(
      `minute ${m + 1}: ${row.calls} calls, errors ${JSON.stringify(row.errors)} (${row.unexplained} unexplained), p50 ${row.p50.toFixed(2)} ms, p99 ${row.p99.toFixed(2)} ms, heap ${row.heapMb.toFixed(1)} MB, RSS ${row.rssMb.toFixed(1)} MB`,
    );
    firstCensus ??= await heapCensus(inspectorPort);
  }
  const heapChange = censusChange(firstCensus!, await heapCensus(inspectorPort));
  for (const t of timers) clearTimeout(t);
  client.close();
  await stop(gateway.child);
  writeReport(table, { rate, capacity, minutes }, heapChange);
}

/** The most kept data the census may show grown for the heap to count as flat: some twenty times the churn of a 3-minute run. */
const keptBound = 256 * 1024;

/**
 * The census's verdict: what the gateway's own objects (all but V8's code,
 * hidden internals and hidden classes, which grow while the optimiser still
 * compiles the mix) gained between the two counts, and the largest changes.
 */
function heapVerdict(change: ReturnType<typeof censusChange>, calls: number): string[] {
  const v8s = (kind: string) => /^(code|hidden|object shape)\b/.test(kind);
  const kept = change.filter((c) => !v8s(c.kind)).reduce((n, c) => n + c.bytes, 0);
  const v8 = change.filter((c) => v8s(c.kind)).reduce((n, c) => n + c.bytes, 0);
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  return [
    `Heap census (two heap snapshots, after the first minute's forced GC and after the last): V8's code, internals and hidden classes ${kb(v8)}; the gateway's objects ${kb(kept)}, ${((kept / calls) * 1000).toFixed(1)} B per 1,000 calls: ${Math.abs(kept) <= keptBound ? 'flat' : '**growing**'} (bound ${kb(keptBound)}). The largest changes:`,
    '',
    '| kind: constructor | objects | bytes |',
    '|---|---|---|',
    ...change
      .slice(0, 12)
      .map((c) => `| ${c.kind.replace(/\|/g, '\\|') || '(unnamed)'} | ${c.count > 0 ? '+' : ''}${c.count} | ${c.bytes > 0 ? '+' : ''}${c.bytes} |`),
    '',
    'RSS from the second minute on includes what writing the first snapshot took: the allocator keeps those pages.',
  ];
}

function writeReport(table: Minute[], run: { rate: number; capacity: number; minutes: number }, heapChange: ReturnType<typeof censusChange>): void {
  const heap = slope(table.map((r) => r.heapMb));
  const data = slope(table.map((r) => r.heapMb - r.codeMb));
  const p99s = table.map((r) => r.p99);
  const unexplained = table.reduce((n, r) => n + r.unexplained, 0);
  const markdown = [
    `Runtime: ${runtimeLine()}.`,
    '',
    `Soak: ${run.minutes} min at ${run.rate} calls/s (80 % of ${Math.round(run.capacity)} measured), 64 in flight; the mix per 20 calls: 7 GetUser, 2 GetUsers (3 ids), 3 FindUser by login, 2 ListUsers, 4 CreateSession (reuse on, 200 users), 2 UpdateUser (owner powers); every session expired upstream each minute at +30 s, Redis killed once (back after 2 s), the breaker tripped once; Redis shared, ${new Date().toISOString()}`,
    '',
    '| minute | calls | errors by status | unexplained | p50 ms | p99 ms | event-loop delay p99 ms | RSS after GC MB | heap after GC MB (of which code) | cached sessions | events |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...table.map(
      (r, i) =>
        `| ${i + 1} | ${r.calls} | ${Object.entries(r.errors)
          .map(([k, v]) => `${v} × ${k}`)
          .join(
            '; ',
          )} | ${r.unexplained} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.loopDelayP99Ms.toFixed(1)} | ${r.rssMb.toFixed(1)} | ${r.heapMb.toFixed(2)} (${r.codeMb.toFixed(2)}) | ${r.cacheEntries} | ${r.events.join('; ')} |`,
    ),
    '',
    `Heap after GC: slope ${heap.perStep.toFixed(3)} MB a minute, residuals ±${heap.residual.toFixed(3)} MB (one standard deviation); without the compiled code ${data.perStep.toFixed(3)} MB a minute, ±${data.residual.toFixed(3)} MB${table.length > 2 ? `: ${Math.abs(data.perStep * table.length) <= 2 * data.residual + 0.5 ? 'within noise' : 'above noise'} (the whole run's growth against twice the residuals plus 0.5 MB; the census below tells kept data from V8's own)` : ''}.`,
    `p99 over the minutes: ${Math.min(...p99s).toFixed(2)} to ${Math.max(...p99s).toFixed(2)} ms. Errors no fault explains: ${unexplained}.`,
    '',
    ...heapVerdict(
      heapChange,
      table.slice(table.length > 1 ? 1 : 0).reduce((n, r) => n + r.calls, 0),
    ),
    '',
  ].join('\n');
  const out = writeResult('soak-', markdown);
  console.log(`[soak] written to ${out}`);
}

benchEntry('soak', main);
