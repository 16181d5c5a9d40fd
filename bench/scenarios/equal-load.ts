import { type EqualLoadPath, equalLoad } from '../lib/equal-load';
import { ghz } from '../lib/ghz';
import { silently } from '../lib/official-sdk';
import { paced, pacingCpuUs } from '../lib/paced';
import { stop } from '../lib/processes';
import { equalRow } from '../lib/rows';
import { type Call, need, type Scenario } from './bench';

/**
 * E. Equal load. CPU per call falls as load rises (one wake-up serves several
 * calls), so floors run at their own, higher, throughput look cheaper per call
 * than they would at the gateway's. Here every path gets the same calls per
 * second, in interleaved rounds; each ratio is taken within a round.
 */
export const equalLoadScenario: Scenario = {
  name: 'E. equal load',
  async run(bench) {
    const { rate, concurrency, rounds, roundSeconds } = bench.settings;
    const gateway = need(bench.gateway, 'the gateway of scenario 1');
    const echo = need(bench.echo, 'the echo server of scenario 4');
    const direct = need(bench.direct, 'the undici pool of scenario 2');
    const sdkGet = need(bench.sdkGet, 'the SDK of scenario 3');
    const pace = { rate, concurrency, seconds: roundSeconds };
    const pacingUs = await pacingCpuUs(pace);
    bench.log(
      `E. equal load: ${rounds} rounds of every path at ${rate} calls/s, ${roundSeconds} s each, at most ${concurrency} in flight (pacing costs this process ${pacingUs.toFixed(0)} µs per call, subtracted)`,
    );
    // The gRPC floor and the gateway under the same load generator: ghz when there is one, else the client package.
    const { ghzBin } = bench;
    const grpcLoad = (target: string, call: Call, id: string) => () =>
      ghzBin ? ghz(ghzBin, target, 'quickblox.v1.UserService/GetUser', { id }, { concurrency, seconds: roundSeconds, rps: rate }) : paced(call, pace);
    const generator = ghzBin ? 'ghz' : 'client package';
    const paths: EqualLoadPath[] = [
      {
        name: `E1. GetUser via gateway (${generator})`,
        run: grpcLoad(gateway.process.target, gateway.getUser, String(bench.emulator.aliceId)),
        serverPid: gateway.process.pid,
      },
      {
        name: `E4. echo server (gRPC floor, ${generator})`,
        run: grpcLoad(echo.target, () => echo.client.users.getUser({ id: 1n }), '1'),
        serverPid: echo.child.pid!,
      },
      { name: 'E2. REST via undici (HTTP floor)', run: () => paced(direct.call, pace) },
      { name: 'E1b. GetUser via gateway (client package)', run: () => paced(gateway.getUser, pace), serverPid: gateway.process.pid },
      { name: 'E3. GetUser via official SDK', run: () => silently(() => paced(sdkGet, pace)) },
    ];
    const results = await equalLoad(paths, rounds, pacingUs, (round) => bench.log(`   round ${round}/${rounds}`));
    echo.client.close();
    await stop(echo.child);
    bench.echo = undefined;
    bench.equalRows.push(...paths.map((path, i) => equalRow(path.name, results[i]!, rate, roundSeconds)));
    const [gatewayRounds, echoRounds, undiciRounds] = results as [(typeof results)[0], (typeof results)[0], (typeof results)[0]];
    bench.roundRatios = gatewayRounds.map((g, i) => g.serverCpuUs! / (echoRounds[i]!.serverCpuUs! + undiciRounds[i]!.callerCpuUs!));
  },
};
