/**
 * `npm run bench` (short, under 3 minutes) and `npm run bench -- --full`: the
 * gateway beside its floors and beside the official SDK, in one run on one
 * machine, so that the ratios hold however noisy the machine is. Each scenario
 * is a file under bench/scenarios/, run in the order below; then the report.
 * See bench/README.md.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { EmulatorInfo } from './lib/gateway-process';
import { findGoTool, goTools } from './lib/go-tool';
import { startChild } from './lib/processes';
import { benchEntry, runtimeLine } from './lib/runtime';
import { stop } from './lib/supervise';
import { writeReport } from './report';
import { applicationsScenario } from './scenarios/applications';
import { type Bench, type BenchSettings, keyOf, type Scenario } from './scenarios/bench';
import { coldStormScenario } from './scenarios/cold-storm';
import { createSessionScenario } from './scenarios/create-session';
import { equalLoadScenario } from './scenarios/equal-load';
import { getUserScenario } from './scenarios/get-user';
import { grpcFloorScenario } from './scenarios/grpc-floor';
import { httpFloorScenario } from './scenarios/http-floor';
import { memoryScenario } from './scenarios/memory';
import { officialSdkScenario } from './scenarios/official-sdk';
import { planLimitedScenario } from './scenarios/plan-limited';
import { replicasScenario } from './scenarios/replicas';
import { sessionEqualLoadScenario } from './scenarios/session-equal-load';

const scenarios: Scenario[] = [
  getUserScenario,
  httpFloorScenario,
  officialSdkScenario,
  grpcFloorScenario,
  equalLoadScenario,
  sessionEqualLoadScenario,
  createSessionScenario,
  coldStormScenario,
  memoryScenario,
  planLimitedScenario,
  replicasScenario,
  applicationsScenario,
];

function settingsFromArgs(): BenchSettings {
  const { values } = parseArgs({
    options: { full: { type: 'boolean', default: false }, rates: { type: 'string', default: '500,1000,1500' }, only: { type: 'string' } },
  });
  const rates = values.rates!.split(',').map(Number);
  if (rates.some((r) => !(r > 0))) throw new Error(`--rates: calls per second, comma-separated (got "${values.rates}")`);
  const full = values.full === true;
  return {
    full,
    seconds: full ? 20 : 4,
    warmup: full ? 3 : 1,
    concurrency: 8,
    rates,
    rate: rates[0]!,
    sessionRate: 1000,
    rounds: full ? 5 : 3,
    roundSeconds: full ? 10 : 5,
    cachedSessions: full ? 100_000 : 20_000,
    only: values.only?.split(','),
  };
}

/** The scenarios `--only` names and, before them, those they need, in the run's order. */
function withNeeds(only: string[], log: (line: string) => void): Scenario[] {
  const unknown = only.filter((key) => !scenarios.some((s) => keyOf(s) === key));
  if (unknown.length) throw new Error(`--only: no scenario ${unknown.join(', ')} (there are ${scenarios.map(keyOf).join(', ')})`);
  const keys = new Set(only);
  for (const s of [...scenarios].reverse()) if (keys.has(keyOf(s))) for (const need of s.needs ?? []) keys.add(need);
  const added = [...keys].filter((key) => !only.includes(key));
  if (added.length) log(`--only ${only.join(',')} also runs ${added.sort().join(', ')}: what the chosen scenarios build on`);
  return scenarios.filter((s) => keys.has(keyOf(s)));
}

async function main(): Promise<void> {
  const started = Date.now();
  const settings = settingsFromArgs();
  const log = (line: string) => console.log(`[bench] ${line}`);
  const ghzBin = findGoTool('ghz');
  if (!ghzBin) log(`ghz not found (go install ${goTools.ghz}): the ghz scenarios are left out`);
  log(
    `${settings.full ? 'full' : 'short'} run: ${settings.seconds} s per scenario after ${settings.warmup} s of warm-up, ${settings.concurrency} calls in flight`,
  );
  log(runtimeLine());
  const chosen = settings.only ? withNeeds(settings.only, log) : scenarios;
  const { child: emulatorChild, info: emulator } = await startChild<EmulatorInfo>('child/emulator-server.js');
  log(`emulator on ${emulator.httpsUrl}`);
  const bench: Bench = { settings, log, ghzBin, emulator, ca: readFileSync(emulator.certFile, 'utf8'), rows: [], equalRows: [], figures: {}, series: [] };
  for (const scenario of chosen) {
    log(scenario.name);
    await scenario.run(bench);
  }
  await bench.direct?.pool.close();
  if (bench.echo) {
    bench.echo.client.close();
    await stop(bench.echo.child);
  }
  await stop(emulatorChild);
  const stamp = writeReport(bench);
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s; results in bench/results/${stamp}.{md,json}`);
}

benchEntry('bench', main);
