import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { median } from './lib/equal-load';
import type { Row } from './lib/rows';
import { runtimeLine } from './lib/runtime';
import type { Bench } from './scenarios/bench';

/** The ratios the targets are judged on, from the rows and figures of one run. */
function ratios(bench: Bench) {
  const { rows, equalRows, figures, series, settings } = bench;
  // With --only, a scenario may not have run: its figures are NaN ("not run" in the verdicts).
  const none = { p50: Number.NaN, p99: Number.NaN, serverCpuUs: Number.NaN, callerCpuUs: Number.NaN } as Row;
  const byName = (prefix: string) => rows.find((r) => r.scenario.startsWith(prefix));
  const equalByName = (prefix: string) => equalRows.find((r) => r.scenario.startsWith(prefix)) ?? none;
  const closedGatewayCpu = byName('1. ')?.serverCpuUs ?? byName('1b.')?.serverCpuUs ?? Number.NaN;
  const closedEchoCpu = byName('4. ')?.serverCpuUs ?? byName('4b.')?.serverCpuUs ?? Number.NaN;
  const closedUndiciCpu = byName('2. ')?.callerCpuUs ?? Number.NaN;
  const hop = (viaGateway: Row, viaSdk: Row) => ({
    p50: viaGateway.p50 - viaSdk.p50,
    p99: viaGateway.p99 - viaSdk.p99,
    callerCpu: (viaGateway.callerCpuUs ?? Number.NaN) / (viaSdk.callerCpuUs ?? Number.NaN),
  });
  const equalHop = hop(equalByName('E1b.'), equalByName('E3.'));
  const closedHop = hop(byName('1b.') ?? none, byName('3. ') ?? none);
  return {
    equalLoadRate: settings.rate,
    series,
    closedLoopGatewayCpuUs: closedGatewayCpu,
    closedLoopSingleCpuUs: byName('1c.')?.serverCpuUs ?? Number.NaN,
    createSessionOverFloors: median(bench.sessionRatios ?? []),
    createSessionOverFloorsByRound: bench.sessionRatios ?? [],
    sessionRate: settings.sessionRate,
    hopP50Ms: equalHop.p50,
    hopP99Ms: equalHop.p99,
    callerCpuClientOverSdk: equalHop.callerCpu,
    closedLoop: {
      gatewayCpuOverFloors: closedGatewayCpu / (closedEchoCpu + closedUndiciCpu),
      hopP50Ms: closedHop.p50,
      hopP99Ms: closedHop.p99,
      callerCpuClientOverSdk: closedHop.callerCpu,
    },
    upstreamRequestsPerGetUser: figures.upstreamPerCall ?? Number.NaN,
    coldStormSessionCreations: figures.stormSessions ?? Number.NaN,
    rssBytesPerCachedSession: figures.bytesPerSession ?? Number.NaN,
    rssBytesPerCachedSessionBeforeGc: figures.bytesPerSessionUnforced ?? Number.NaN,
    heapBytesPerCachedSession: figures.heapBytesPerSession ?? Number.NaN,
    planLimitedServedPerSecond: figures.planLimitedServed ?? 0,
    applicationsCpu: median(bench.applicationRatios ?? []),
    applicationsCpuByRound: bench.applicationRatios ?? [],
    applicationsControlCpu: median(bench.applicationControlRatios ?? []),
    applicationsControlCpuByRound: bench.applicationControlRatios ?? [],
    applicationsP50Ms: differenceOf(equalRows, '11b.', '11a.', (r) => r.p50),
    applicationsP99Ms: differenceOf(equalRows, '11b.', '11a.', (r) => r.p99),
    sharingCpu: ratioOf(rows, '10. two replicas sharing', '10. one gateway alone', (r) => r.serverCpuUs ?? Number.NaN),
    sharingP50Ms: differenceOf(rows, '10. two replicas sharing', '10. one gateway alone', (r) => r.p50),
    sharingOverSplitCpu: ratioOf(rows, '10. two replicas sharing', '10. two replicas on their own', (r) => r.serverCpuUs ?? Number.NaN),
    sharingOverSplitP50Ms: differenceOf(rows, '10. two replicas sharing', '10. two replicas on their own', (r) => r.p50),
    sharingOverReplicaLoadCpu: ratioOf(rows, '10. two replicas sharing', '10. one gateway at the load', (r) => r.serverCpuUs ?? Number.NaN),
    sharingOverReplicaLoadP50Ms: differenceOf(rows, '10. two replicas sharing', '10. one gateway at the load', (r) => r.p50),
  };
}

function pair(rows: Row[], a: string, b: string): [Row, Row] | undefined {
  const x = rows.find((r) => r.scenario.startsWith(a));
  const y = rows.find((r) => r.scenario.startsWith(b));
  return x && y ? [x, y] : undefined;
}
const ratioOf = (rows: Row[], a: string, b: string, f: (r: Row) => number) => {
  const p = pair(rows, a, b);
  return p ? f(p[0]) / f(p[1]) : Number.NaN;
};
const differenceOf = (rows: Row[], a: string, b: string, f: (r: Row) => number) => {
  const p = pair(rows, a, b);
  return p ? f(p[0]) - f(p[1]) : Number.NaN;
};

type Ratios = ReturnType<typeof ratios>;

const atMost = (value: number, limit: number, unit = '') =>
  Number.isNaN(value)
    ? 'not run'
    : value <= limit
      ? 'met'
      : `**missed** by ${unit ? `${(value - limit).toFixed(2)} ${unit}` : `${(value / limit).toFixed(2)}×`}`;

/** One line per target: what it is, the equal-load and closed-loop values, the target, the verdict. */
const rounds = (values: number[]) => `rounds ${values.map((x) => x.toFixed(2)).join(', ')}`;

function targets(r: Ratios): string[][] {
  const upstream = r.upstreamRequestsPerGetUser;
  const rss = r.rssBytesPerCachedSession;
  return [
    ...r.series.map((point) => [
      `gateway CPU per GetUser (one request per call) ÷ (echo CPU + undici CPU) at ${point.rate}/s`,
      `${point.ratio.toFixed(2)} (${rounds(point.ratios)})`,
      '',
      point.rate >= 1000 ? '≤ 1.25' : '—',
      point.rate >= 1000 ? atMost(point.ratio, 1.25) : '',
    ]),
    ['gateway CPU per GetUser ÷ (echo CPU + undici CPU), closed loop', '', r.closedLoop.gatewayCpuOverFloors.toFixed(2), '—', ''],
    ['gateway CPU per GetUser, closed loop, as shipped (µs)', '', r.closedLoopGatewayCpuUs.toFixed(0), '≤ 330', atMost(r.closedLoopGatewayCpuUs, 330, 'µs')],
    [
      'gateway CPU per GetUser, closed loop, one upstream request per call (µs)',
      '',
      fmt(r.closedLoopSingleCpuUs, 0),
      '≤ 330',
      atMost(r.closedLoopSingleCpuUs, 330, 'µs'),
    ],
    [
      `gateway CPU per CreateSession ÷ (echo CPU + signed undici POST CPU) at ${r.sessionRate}/s`,
      Number.isNaN(r.createSessionOverFloors) ? '—' : `${r.createSessionOverFloors.toFixed(2)} (${rounds(r.createSessionOverFloorsByRound)})`,
      '',
      '≤ 1.25',
      atMost(r.createSessionOverFloors, 1.25),
    ],
    [`p50 via gateway − p50 via SDK at ${r.equalLoadRate}/s (ms)`, r.hopP50Ms.toFixed(2), r.closedLoop.hopP50Ms.toFixed(2), '≤ 1', atMost(r.hopP50Ms, 1, 'ms')],
    [`p99 via gateway − p99 via SDK at ${r.equalLoadRate}/s (ms)`, r.hopP99Ms.toFixed(2), r.closedLoop.hopP99Ms.toFixed(2), '≤ 3', atMost(r.hopP99Ms, 3, 'ms')],
    ['caller CPU per lookup: client package ÷ SDK', r.callerCpuClientOverSdk.toFixed(2), r.closedLoop.callerCpuClientOverSdk.toFixed(2), '—', ''],
    [
      'upstream requests per GetUser (steady state)',
      '',
      Number.isNaN(upstream) ? 'n/a (no ghz)' : upstream.toFixed(3),
      '≤ 1 (coalescing shares)',
      upstream <= 1 ? 'met' : '**missed**',
    ],
    [
      'GetUser offered a second and served in full with no upstream 429, plan limited to 80/s',
      '',
      String(r.planLimitedServedPerSecond),
      '≥ 800',
      r.planLimitedServedPerSecond >= 800 ? 'met' : '**missed**',
    ],
    ['upstream session creations in the cold storm', '', String(r.coldStormSessionCreations), '= 1', r.coldStormSessionCreations === 1 ? 'met' : '**missed**'],
    [
      'gateway RSS per cached user session, after a full GC (bytes)',
      '',
      String(Math.round(rss)),
      '< 2048',
      rss < 2048 ? 'met' : `**missed** by ${(rss / 2048).toFixed(2)}×`,
    ],
    ['heap per cached user session, the cache alone (bytes)', '', String(r.heapBytesPerCachedSession), '—', ''],
    ['gateway CPU per GetUser: two replicas sharing Redis ÷ one alone', fmt(r.sharingCpu, 2), '', '≤ 1.10', atMost(r.sharingCpu, 1.1)],
    [
      `gateway CPU per GetUser spread over two applications ÷ all on one at ${r.equalLoadRate}/s`,
      Number.isNaN(r.applicationsCpu) ? '—' : `${r.applicationsCpu.toFixed(2)} (${rounds(r.applicationsCpuByRound)})`,
      '',
      '≤ 1.05',
      atMost(r.applicationsCpu, 1.05),
    ],
    ['p50 / p99: two applications − one (ms)', `${fmt(r.applicationsP50Ms, 2)} / ${fmt(r.applicationsP99Ms, 2)}`, '', '—', ''],
    [
      'gateway CPU per GetUser: two applications, every call on one ÷ one application (the control)',
      Number.isNaN(r.applicationsControlCpu) ? '—' : `${r.applicationsControlCpu.toFixed(2)} (${rounds(r.applicationsControlCpuByRound)})`,
      '',
      '—',
      '',
    ],
    ['p50: two replicas sharing Redis − one alone (ms)', fmt(r.sharingP50Ms, 2), '', '≤ 0.5', atMost(r.sharingP50Ms, 0.5, 'ms')],
    ['gateway CPU per GetUser: two replicas sharing Redis ÷ two on their own (what Redis adds)', fmt(r.sharingOverSplitCpu, 2), '', '—', ''],
    ['p50: two replicas sharing Redis − two on their own (ms)', fmt(r.sharingOverSplitP50Ms, 2), '', '—', ''],
    ['gateway CPU per GetUser: two replicas sharing Redis ÷ one gateway at one replica’s load', fmt(r.sharingOverReplicaLoadCpu, 2), '', '—', ''],
    ['p50: two replicas sharing Redis − one gateway at one replica’s load (ms)', fmt(r.sharingOverReplicaLoadP50Ms, 2), '', '—', ''],
  ];
}

const fmt = (n: number | undefined, digits = 1) => (n === undefined || Number.isNaN(n) ? '—' : n.toFixed(digits));

/** Prints the tables and writes them, with the raw rows, to bench/results/<time>.{md,json}. */
export function writeReport(bench: Bench): string {
  const { settings } = bench;
  const { full, seconds, concurrency, rate, rates, rounds: roundCount, roundSeconds } = settings;
  const r = ratios(bench);
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const rows = [...bench.rows, ...bench.equalRows];
  const markdown = [
    `Runtime: ${runtimeLine()}.`,
    '',
    `Benchmark (${full ? 'full' : 'short'}: ${seconds} s per scenario, ${concurrency} in flight; equal load: ${roundCount} rounds of ${roundSeconds} s at each of ${r.series.map((p) => p.rate).join(', ')} calls/s), ${new Date().toISOString()}, ${machine}`,
    '',
    '| scenario | requests | errors | req/s | p50 ms | p95 ms | p99 ms | server CPU µs/req | caller CPU µs/req | peak RSS MB | note |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${row.scenario} | ${row.requests} | ${row.errors} | ${fmt(row.rps, 0)} | ${fmt(row.p50, 2)} | ${fmt(row.p95, 2)} | ${fmt(row.p99, 2)} | ${fmt(row.serverCpuUs, 0)} | ${fmt(row.callerCpuUs, 0)} | ${fmt(row.peakRssMb)} | ${row.note ?? ''} |`,
    ),
    '',
    '| rate (calls/s) | gateway CPU µs/GetUser, one request per call | echo CPU µs | undici CPU µs | ratio gateway ÷ (echo + undici) | as shipped: CPU µs, ratio, upstream requests per GetUser | every path kept the rate |',
    '|---|---|---|---|---|---|---|',
    ...r.series.map(
      (p) =>
        `| ${p.rate} | ${fmt(p.gatewayCpuUs, 0)} | ${fmt(p.echoCpuUs, 0)} | ${fmt(p.undiciCpuUs, 0)} | **${fmt(p.ratio, 2)}** (${rounds(p.ratios)}) | ${fmt(p.shippedCpuUs, 0)}, ${fmt(p.shippedRatio, 2)}, ${fmt(p.upstreamPerCall, 3)} | ${p.sustained ? 'yes' : '**no**'} |`,
    ),
    '',
    `| derived | equal load (hop: ${rate} calls/s) | closed loop, ${concurrency} in flight | target | verdict |`,
    '|---|---|---|---|---|',
    ...targets(r).map((cells) => `| ${cells.join(' | ')} |`),
    '',
  ].join('\n');
  const dir = resolve(__dirname, '../../bench/results');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const json = { mode: full ? 'full' : 'short', seconds, concurrency, rates, rounds: roundCount, roundSeconds, machine, rows, ratios: r };
  writeFileSync(resolve(dir, `${stamp}.json`), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(resolve(dir, `${stamp}.md`), markdown);
  console.log(`\n${markdown}`);
  return stamp;
}
