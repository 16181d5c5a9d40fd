/**
 * What limits the gateway: a `node --cpu-prof` profile of the gateway (run as
 * `npm start` runs it, against the emulator over HTTPS) while ghz drives
 * GetUser at a fixed rate, summarised by self time over the measured window
 * only. Writes the summary to bench/results/profile-<time>.md.
 *
 *   npm run bench:profile [-- --rate 500 --seconds 10]
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { summariseProfile } from './lib/cpu-profile';
import { type EmulatorInfo, startGatewayProcess, waitReady } from './lib/gateway-process';
import { ghz } from './lib/ghz';
import { findGoTool, goTools } from './lib/go-tool';
import { startChild, stop, threadCpuSeconds } from './lib/processes';

const nowUs = () => Number(process.hrtime.bigint() / 1000n);
const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rate: { type: 'string', default: '500' }, seconds: { type: 'string', default: '10' } } });
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  const ghzBin = findGoTool('ghz');
  if (!ghzBin) {
    console.error(`bench:profile needs ghz (go install ${goTools.ghz})`);
    process.exit(2);
  }
  const profileDir = mkdtempSync(join(tmpdir(), 'qb-bench-profile-'));
  const { child: emulatorChild, info: emulator } = await startChild<EmulatorInfo>('child/emulator-server.js');
  const gateway = await startGatewayProcess(emulator, {}, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]);
  await waitReady(gateway.metricsUrl);
  const call = (options: { seconds: number; rps?: number }) =>
    ghz(ghzBin, gateway.target, 'quickblox.v1.UserService/GetUser', { id: String(emulator.aliceId) }, { concurrency: 8, ...options });
  console.log('[profile] warm-up: 10 s of ghz at full speed');
  await call({ seconds: 10 });
  console.log(`[profile] ${seconds} s at ${rate} calls/s`);
  const cpu = threadCpuSeconds(gateway.pid);
  const from = nowUs();
  const load = await call({ seconds, rps: rate });
  const to = nowUs();
  const used = threadCpuSeconds(gateway.pid);
  const mainUs = ((used.main - cpu.main) * 1e6) / load.requests;
  const othersUs = ((used.others - cpu.others) * 1e6) / load.requests;
  await stop(gateway.child);
  await stop(emulatorChild);

  const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`the gateway wrote no profile in ${profileDir}`);
  const summary = summariseProfile(join(profileDir, file), from, to);
  const markdown = [
    `Gateway profile: GetUser at ${rate} calls/s for ${seconds} s (ghz, 8 in flight), after 10 s of warm-up; ${new Date().toISOString()}`,
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
    `Profile: ${join(profileDir, file)} (open it in Chrome DevTools → Performance).`,
    '',
  ].join('\n');
  const dir = resolve(__dirname, '../../bench/results');
  mkdirSync(dir, { recursive: true });
  const out = resolve(dir, `profile-${new Date().toISOString().replace(/[:.]/g, '-')}.md`);
  writeFileSync(out, markdown);
  console.log(`\n${markdown}`);
  console.log(`[profile] written to ${out}`);
}

main().catch((e: Error) => {
  console.error(e);
  process.exit(1);
});
