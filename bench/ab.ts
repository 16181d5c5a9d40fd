/**
 * Before and after: the gateway built from another commit (`--base`, default
 * HEAD) against the working tree's, both against one emulator, GetUser driven
 * by ghz at each rate in rounds that alternate the two (ABBA, so that a
 * machine turning slower or faster moves both alike). Reports each build's CPU
 * per call and the ratio after ÷ before per round and its median: what a
 * change is kept on. Coalescing is off unless `--shipped`, as in the
 * equal-load series. Writes bench/results/ab-<time>.md.
 *
 *   npm run bench:ab -- [--base <commit>] [--rates 1000,1500] [--rounds 6] [--seconds 5] [--shipped] [--node-args=--flag] [--env NAME=value]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { median } from './lib/equal-load';
import { type EmulatorInfo, type GatewayProcess, startGatewayProcess, waitReady } from './lib/gateway-process';
import { ghz } from './lib/ghz';
import { findGoTool, goTools } from './lib/go-tool';
import { measuredOn, startChild } from './lib/processes';
import { writeResult } from './lib/results';
import { benchEntry, runtimeLine } from './lib/runtime';
import { stop } from './lib/supervise';

const root = resolve(__dirname, '../..');

/** The base commit built in a worktree of its own (node_modules shared): the path of its gateway entry point. */
function buildBase(base: string): { main: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'qb-bench-ab-'));
  execFileSync('git', ['worktree', 'add', '--detach', dir, base], { cwd: root, stdio: 'ignore' });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: dir, stdio: 'inherit' });
  return {
    main: join(dir, 'dist/server/cli/main.js'),
    remove: () => execFileSync('git', ['worktree', 'remove', '--force', dir], { cwd: root, stdio: 'ignore' }),
  };
}

interface Sample {
  cpuUs: number;
  p50: number;
  p99: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      base: { type: 'string', default: 'HEAD' },
      rates: { type: 'string', default: '1000,1500' },
      rounds: { type: 'string', default: '6' },
      seconds: { type: 'string', default: '5' },
      shipped: { type: 'boolean', default: false },
      'node-args': { type: 'string', default: '' },
      env: { type: 'string', multiple: true, default: [] },
    },
  });
  const ghzBin = findGoTool('ghz');
  if (!ghzBin) {
    console.error(`bench:ab needs ghz (go install ${goTools.ghz})`);
    process.exit(2);
  }
  const rates = values.rates.split(',').map(Number);
  const rounds = Number(values.rounds);
  const seconds = Number(values.seconds);
  const commit = execFileSync('git', ['rev-parse', '--short', values.base], { cwd: root, encoding: 'utf8' }).trim();
  console.log(`[ab] building ${commit} (before) in a worktree`);
  const base = buildBase(values.base);
  const { child: emulatorChild, info: emulator } = await startChild<EmulatorInfo>('child/emulator-server.js');
  const env = values.shipped ? {} : { QB_COALESCE_WINDOW_MS: '0' };
  // Node or V8 flags for the after build only: the same code, run differently.
  const afterArgs = values['node-args'].split(' ').filter(Boolean);
  // Settings for the after build only (`--env LOG_LEVEL=warn`): what one part of the work costs.
  const afterEnv = Object.fromEntries(values.env.map((kv) => kv.split('=', 2) as [string, string]));
  const builds: GatewayProcess[] = [
    await startGatewayProcess(emulator, env, [], base.main),
    await startGatewayProcess(emulator, { ...env, ...afterEnv }, afterArgs),
  ];
  const changed = [...afterArgs, ...values.env];
  const names = [`before (${commit})`, `after (working tree${changed.length ? ` with ${changed.join(' ')}` : ''})`];
  const lines: string[] = [];
  try {
    await Promise.all(builds.map((g) => waitReady(g.metricsUrl)));
    const load = (g: GatewayProcess, rps?: number) =>
      ghz(ghzBin, g.target, 'quickblox.v1.UserService/GetUser', { id: String(emulator.aliceId) }, { concurrency: 8, seconds, ...(rps ? { rps } : {}) });
    console.log('[ab] warm-up: each build at full speed');
    for (const g of builds) await load(g);
    lines.push(
      '| rate | before CPU µs/call | after CPU µs/call | after ÷ before (median; rounds) | p50 before / after (ms) | p99 before / after (ms) |',
      '|---|---|---|---|---|---|',
    );
    for (const rate of rates) {
      const samples: Sample[][] = [[], []];
      for (let round = 0; round < rounds; round++) {
        console.log(`[ab] ${rate}/s round ${round + 1}/${rounds}`);
        for (const i of round % 2 ? [1, 0] : [0, 1]) {
          const { result, cpuUs } = await measuredOn(builds[i]!.pid, () => load(builds[i]!, rate));
          samples[i]!.push({ cpuUs, p50: result.p50, p99: result.p99 });
        }
      }
      const [before, after] = samples as [Sample[], Sample[]];
      const ratios = after.map((a, i) => a.cpuUs / before[i]!.cpuUs);
      const m = (list: Sample[], key: keyof Sample) => median(list.map((s) => s[key])).toFixed(key === 'cpuUs' ? 0 : 2);
      lines.push(
        `| ${rate} | ${m(before, 'cpuUs')} | ${m(after, 'cpuUs')} | **${median(ratios).toFixed(3)}** (${ratios.map((r) => r.toFixed(2)).join(', ')}) | ${m(before, 'p50')} / ${m(after, 'p50')} | ${m(before, 'p99')} / ${m(after, 'p99')} |`,
      );
    }
  } finally {
    await Promise.all(builds.map((g) => stop(g.child)));
    await stop(emulatorChild);
    base.remove();
  }
  const markdown = [
    `Runtime: ${runtimeLine()}.`,
    '',
    `Before and after: ${names.join(' against ')}, GetUser by ghz, ${rounds} alternating rounds of ${seconds} s per rate, ${values.shipped ? 'as shipped' : 'one upstream request per call (QB_COALESCE_WINDOW_MS=0)'}; ${new Date().toISOString()}`,
    '',
    ...lines,
    '',
  ].join('\n');
  const out = writeResult('ab-', markdown);
  console.log(`[ab] written to ${out}`);
}

benchEntry('ab', main);
