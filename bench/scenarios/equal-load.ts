import { createGatewayClient } from '../../clients/src';
import { type EqualLoadPath, equalLoad, median, type PathRound } from '../lib/equal-load';
import { type GatewayProcess, metricSum, startGatewayProcess, waitReady } from '../lib/gateway-process';
import { callsFor, type GhzLength, ghz } from '../lib/ghz';
import { silently } from '../lib/official-sdk';
import { paced, pacingCpuUs } from '../lib/paced';
import { measuredOn } from '../lib/processes';
import { equalRow, fromGhz } from '../lib/rows';
import { stop } from '../lib/supervise';
import { type Bench, type Call, need, type Scenario } from './bench';

/**
 * E. Equal load, rate by rate. CPU per call falls as load rises (one wake-up
 * serves several calls), so floors run at their own, higher, throughput look
 * cheaper per call than they would at the gateway's. Here, at each rate of
 * the series, every path gets the same calls per second, in interleaved
 * rounds; each ratio is taken within a round. The official SDK and the client
 * package, for the hop, run at the first rate only.
 */
export const equalLoadScenario: Scenario = {
  name: 'E. equal load',
  needs: ['1', '2', '3', '4'],
  async run(bench) {
    const single = await startSingleRequestGateway(bench);
    try {
      const rates = seriesRates(bench);
      bench.log(`E. equal load at ${rates.join(', ')} calls/s (the last: ${maxNote(bench)})`);
      for (const rate of rates) await atRate(bench, single, rate, rate === rates[0]);
    } finally {
      await stop(single.child);
    }
  },
};

/**
 * The like-for-like gateway: coalescing off (QB_COALESCE_WINDOW_MS=0), so
 * that every GetUser is its own upstream request, as every call of the HTTP
 * floor is. The gateway as shipped shares requests between concurrent
 * lookups, more the higher the rate, which the floors cannot; its ratio is
 * shown beside, but the targets are judged on this one. Its closed-loop
 * warm-up rate bounds the series too.
 */
async function startSingleRequestGateway(bench: Bench): Promise<GatewayProcess> {
  const single = await startGatewayProcess(bench.emulator, { QB_COALESCE_WINDOW_MS: '0' });
  await waitReady(single.metricsUrl);
  const { concurrency, warmup, seconds } = bench.settings;
  const id = String(bench.emulator.aliceId);
  const { ghzBin } = bench;
  if (ghzBin) {
    const call = (length: GhzLength) => ghz(ghzBin, single.target, 'quickblox.v1.UserService/GetUser', { id }, { concurrency, ...length });
    const warm = await call({ seconds: warmup * 2 });
    const { result, cpuUs } = await measuredOn(single.pid, () => call(callsFor(warm, seconds)));
    bench.rows.push(fromGhz('1c. GetUser via gateway, one upstream request per call (ghz)', result, { serverCpuUs: cpuUs }));
    bench.figures.singleClosedLoopRps = result.rps;
  }
  return single;
}

/** The series: the settings' rates below the highest rate, then the highest rate itself. */
function seriesRates(bench: Bench): number[] {
  const highest = highestRate(bench);
  return [...bench.settings.rates.filter((r) => r < highest), highest];
}

/**
 * The highest rate every path sustains at the in-flight cap: 90 % of the
 * gateway's closed-loop throughput (scenario 1, the slowest path), rounded
 * down to 100. Each row says whether its path kept up.
 */
function highestRate(bench: Bench): number {
  const closed = Math.min(bench.figures.gatewayClosedLoopRps ?? Number.NaN, bench.figures.singleClosedLoopRps ?? Number.POSITIVE_INFINITY);
  if (Number.isNaN(closed)) return Math.max(...bench.settings.rates);
  return Math.max(100, Math.floor((closed * 0.9) / 100) * 100);
}

const maxNote = (bench: Bench) =>
  bench.figures.gatewayClosedLoopRps
    ? `90 % of the slower gateway's closed loop: ${bench.figures.gatewayClosedLoopRps.toFixed(0)}/s as shipped, ${bench.figures.singleClosedLoopRps?.toFixed(0) ?? '—'}/s with one request per call`
    : 'the highest rate asked';

async function atRate(bench: Bench, single: GatewayProcess, rate: number, withHop: boolean): Promise<void> {
  const { concurrency, rounds, roundSeconds } = bench.settings;
  const gateway = need(bench.gateway, 'the gateway of scenario 1');
  const echo = need(bench.echo, 'the echo server of scenario 4');
  const direct = need(bench.direct, 'the undici pool of scenario 2');
  const pace = { rate, concurrency, seconds: roundSeconds };
  const pacingUs = await pacingCpuUs(pace);
  bench.log(
    `E. ${rounds} rounds at ${rate} calls/s, ${roundSeconds} s each, at most ${concurrency} in flight (pacing: ${pacingUs.toFixed(0)} µs per call, subtracted)`,
  );
  // The gRPC floor and the gateway under the same load generator: ghz when there is one, else the client package.
  const { ghzBin } = bench;
  const grpcLoad = (target: string, call: Call, id: string) => () =>
    ghzBin ? ghz(ghzBin, target, 'quickblox.v1.UserService/GetUser', { id }, { concurrency, seconds: roundSeconds, rps: rate }) : paced(call, pace);
  const generator = ghzBin ? 'ghz' : 'client package';
  const aliceId = String(bench.emulator.aliceId);
  const singleClient = createGatewayClient({ address: single.target });
  const paths: EqualLoadPath[] = [
    {
      name: `E1. GetUser via gateway, one upstream request per call (${generator})`,
      run: grpcLoad(single.target, () => singleClient.users.getUser({ id: BigInt(aliceId) }), aliceId),
      serverPid: single.pid,
    },
    { name: `E4. echo server (gRPC floor, ${generator})`, run: grpcLoad(echo.target, echo.getUser, '1'), serverPid: echo.child.pid! },
    { name: 'E2. REST via undici (HTTP floor)', run: () => paced(direct.call, pace) },
    {
      name: `E1c. GetUser via gateway as shipped, coalescing (${generator})`,
      run: grpcLoad(gateway.process.target, gateway.getUser, aliceId),
      serverPid: gateway.process.pid,
    },
  ];
  if (withHop) {
    const sdkGet = need(bench.sdkGet, 'the SDK of scenario 3');
    paths.push(
      { name: 'E1b. GetUser via gateway (client package)', run: () => paced(gateway.getUser, pace), serverPid: gateway.process.pid },
      // What the client package's own gRPC call costs in latency, apart from the gateway: the same caller on the echo server.
      { name: 'E4b. echo server (client package)', run: () => paced(echo.getUser, pace), serverPid: echo.child.pid! },
      { name: 'E3. GetUser via official SDK', run: () => silently(() => paced(sdkGet, pace)) },
    );
  }
  const upstream = () => metricSum(gateway.process.metricsUrl, 'qb_upstream_requests_total');
  const handled = () => metricSum(gateway.process.metricsUrl, 'grpc_server_handled_total', 'grpc_method="GetUser"');
  const [upstreamBefore, handledBefore] = [await upstream(), await handled()];
  const results = await equalLoad(paths, rounds, pacingUs, (round) => bench.log(`   round ${round}/${rounds}`));
  singleClient.close();
  const upstreamPerCall = ((await upstream()) - upstreamBefore) / ((await handled()) - handledBefore);
  bench.equalRows.push(...paths.map((path, i) => equalRow(path.name, results[i]!, rate, roundSeconds)));
  const [gatewayRounds, echoRounds, undiciRounds, shippedRounds] = results as [PathRound[], PathRound[], PathRound[], PathRound[]];
  const over = (rounds: PathRound[]) => rounds.map((g, i) => g.serverCpuUs! / (echoRounds[i]!.serverCpuUs! + undiciRounds[i]!.callerCpuUs!));
  const ratios = over(gatewayRounds);
  bench.series.push({
    rate,
    gatewayCpuUs: median(gatewayRounds.map((r) => r.serverCpuUs!)),
    shippedCpuUs: median(shippedRounds.map((r) => r.serverCpuUs!)),
    shippedRatio: median(over(shippedRounds)),
    echoCpuUs: median(echoRounds.map((r) => r.serverCpuUs!)),
    undiciCpuUs: median(undiciRounds.map((r) => r.callerCpuUs!)),
    ratio: median(ratios),
    ratios,
    upstreamPerCall,
    sustained: results.every((path) => path.every((r) => r.rps >= 0.97 * rate && r.errors === 0)),
  });
}
