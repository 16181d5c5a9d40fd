/**
 * What the gateway spends per call: a `node --cpu-prof` profile of the
 * gateway (run as `npm start` runs it, against the emulator over HTTPS) while
 * ghz drives GetUser at a fixed rate, summarised by self time over the
 * measured window only; then, over a second window at the same rate, an
 * allocation profile (V8's sampling heap profiler through the inspector,
 * garbage included): the bytes each call allocates and who allocates them.
 * Coalescing is off unless `--shipped`, so that each call does the work the
 * floors do: one upstream request. Writes bench/results/profile-<time>.md.
 *
 *   npm run bench:profile [-- --rate 1000 --seconds 10 --shipped --call GetUser|CreateSession]
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type SamplingHeapProfile, summariseAllocations } from './lib/allocation-profile';
import { summariseProfile } from './lib/cpu-profile';
import { type EmulatorInfo, startGatewayProcess, waitReady } from './lib/gateway-process';
import { type GhzLength, ghz } from './lib/ghz';
import { findGoTool, goTools } from './lib/go-tool';
import { openInspector } from './lib/inspector';
import { freePort, startChild, threadCpuSeconds } from './lib/processes';
import { writeResult } from './lib/results';
import { benchEntry, runtimeLine } from './lib/runtime';
import { stop } from './lib/supervise';

const nowUs = () => Number(process.hrtime.bigint() / 1000n);
const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string', default: '1000' },
      seconds: { type: 'string', default: '10' },
      shipped: { type: 'boolean', default: false },
      call: { type: 'string', default: 'GetUser' },
    },
  });
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  const ghzBin = findGoTool('ghz');
  if (!ghzBin) {
    console.error(`bench:profile needs ghz (go install ${goTools.ghz})`);
    process.exit(2);
  }
  const profileDir = mkdtempSync(join(tmpdir(), 'qb-bench-profile-'));
  const inspectorPort = await freePort();
  const { child: emulatorChild, info: emulator } = await startChild<EmulatorInfo>('child/emulator-server.js');
  const env = values.shipped ? {} : { QB_COALESCE_WINDOW_MS: '0' };
  const gateway = await startGatewayProcess(emulator, env, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--inspect=127.0.0.1:${inspectorPort}`]);
  await waitReady(gateway.metricsUrl);
  const calls: Record<string, [string, unknown]> = {
    GetUser: ['quickblox.v1.UserService/GetUser', { id: String(emulator.aliceId) }],
    CreateSession: ['quickblox.v1.SessionService/CreateSession', { user: { loginPassword: { login: 'alice', password: 'alicePass1!' } } }],
  };
  const profiled = calls[values.call];
  if (!profiled) throw new Error(`--call: one of ${Object.keys(calls).join(', ')}`);
  const call = (options: { rps?: number } & GhzLength) => ghz(ghzBin, gateway.target, profiled[0], profiled[1], { concurrency: 8, ...options });
  console.log('[profile] warm-up: 10 s of ghz at full speed');
  await call({ seconds: 10 });
  console.log(`[profile] CPU: ${seconds} s at ${rate} calls/s`);
  const cpu = threadCpuSeconds(gateway.pid);
  const from = nowUs();
  const load = await call({ seconds, rps: rate });
  const to = nowUs();
  const used = threadCpuSeconds(gateway.pid);
  const mainUs = ((used.main - cpu.main) * 1e6) / load.requests;
  const othersUs = ((used.others - cpu.others) * 1e6) / load.requests;
  console.log(`[profile] allocations: ${seconds} s at ${rate} calls/s`);
  const inspector = await openInspector(inspectorPort);
  await inspector.send('HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  const allocLoad = await call({ seconds, rps: rate });
  const { profile } = await inspector.send<{ profile: SamplingHeapProfile }>('HeapProfiler.stopSampling');
  inspector.close();
  await stop(gateway.child);
  await stop(emulatorChild);

  const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`the gateway wrote no profile in ${profileDir}`);
  const heapFile = join(profileDir, 'allocations.heapprofile');
  writeFileSync(heapFile, JSON.stringify(profile));
  const summary = summariseProfile(join(profileDir, file), from, to);
  const allocations = summariseAllocations(profile);
  const markdown = [
    `Runtime: ${runtimeLine()}.`,
    '',
    `Gateway profile: ${values.call} at ${rate} calls/s for ${seconds} s (ghz, 8 in flight), after 10 s of warm-up, ${values.shipped ? 'as shipped (coalescing on)' : 'one upstream request per call (QB_COALESCE_WINDOW_MS=0)'}; ${new Date().toISOString()}`,
    '',
    `${load.requests} calls, p50 ${load.p50.toFixed(2)} ms, p99 ${load.p99.toFixed(2)} ms. Gateway CPU per call, from /proc: ${(mainUs + othersUs).toFixed(0)} µs,`,
    `of which the JavaScript thread ${mainUs.toFixed(0)} µs and the other threads (V8's optimising compiler and GC helpers, libuv's pool) ${othersUs.toFixed(0)} µs.`,
    `The JavaScript thread was idle ${percent(summary.idleShare)} of the window; the shares below are of its busy samples (self time; the profiler's own cost included).`,
    '',
    '| where | share |',
    '|---|---|',
    ...summary.byArea.slice(0, 16).map((a) => `| ${a.area} | ${percent(a.share)} |`),
    '',
    '| hottest functions | share |',
    '|---|---|',
    ...summary.hottest.map((h) => `| \`${h.fn}\` | ${percent(h.share)} |`),
    '',
    `Allocations over a second window (${allocLoad.requests} calls): ${(allocations.totalBytes / allocLoad.requests / 1024).toFixed(1)} KiB per call, garbage included (V8's sampling heap profiler, one sample per 4 KiB on average).`,
    '',
    '| allocated by | share of bytes |',
    '|---|---|',
    ...allocations.byArea.slice(0, 12).map((a) => `| ${a.area} | ${percent(a.share)} |`),
    '',
    '| allocating functions | share of bytes |',
    '|---|---|',
    ...allocations.hottest.map((h) => `| \`${h.fn}\` | ${percent(h.share)} |`),
    '',
    `Profiles: ${join(profileDir, file)} and ${heapFile} (open them in Chrome DevTools: Performance, Memory).`,
    '',
  ].join('\n');
  const out = writeResult('profile-', markdown);
  console.log(`[profile] written to ${out}`);
}

benchEntry('profile', main);
