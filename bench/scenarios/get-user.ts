import { createGatewayClient } from '../../clients/src';
import { closedLoop } from '../lib/closed-loop';
import { metricSum, startGatewayProcess, waitReady } from '../lib/gateway-process';
import { callsFor, ghz } from '../lib/ghz';
import { measuredOn, memory } from '../lib/processes';
import { fromGhz, fromLoad } from '../lib/rows';
import type { Scenario } from './bench';

/** 1. GetUser through the gateway, warm application session: ghz for throughput, the client package for the caller's view. */
export const getUserScenario: Scenario = {
  name: '1. GetUser through the gateway',
  async run(bench) {
    const { settings, emulator, ghzBin, log } = bench;
    const { concurrency, warmup, seconds } = settings;
    const gateway = await startGatewayProcess(emulator);
    log(`gateway ${gateway.pid} logs to ${gateway.logFile}`);
    await waitReady(gateway.metricsUrl);
    const client = createGatewayClient({ address: gateway.target });
    const getUser = () => client.users.getUser({ id: BigInt(emulator.aliceId) });
    bench.gateway = { process: gateway, client, getUser };
    await closedLoop(getUser, concurrency, warmup);
    bench.figures.upstreamPerCall = Number.NaN;
    if (ghzBin) {
      log('1. GetUser through the gateway (ghz)');
      const request = { id: String(emulator.aliceId) };
      const warm = await ghz(ghzBin, gateway.target, 'quickblox.v1.UserService/GetUser', request, { concurrency, seconds: warmup });
      const counts = async () => [
        await metricSum(gateway.metricsUrl, 'qb_upstream_requests_total'),
        await metricSum(gateway.metricsUrl, 'grpc_server_handled_total', 'grpc_method="GetUser"'),
      ];
      const [upstreamBefore, grpcBefore] = await counts();
      const { result, cpuUs } = await measuredOn(gateway.pid, () =>
        ghz(ghzBin, gateway.target, 'quickblox.v1.UserService/GetUser', request, { concurrency, ...callsFor(warm, seconds) }),
      );
      const [upstreamAfter, grpcAfter] = await counts();
      bench.figures.upstreamPerCall = (upstreamAfter! - upstreamBefore!) / (grpcAfter! - grpcBefore!);
      bench.figures.gatewayClosedLoopRps = result.rps;
      bench.rows.push(fromGhz('1. GetUser via gateway (ghz)', result, { serverCpuUs: cpuUs, peakRssMb: memory(gateway.pid).peakRss / 2 ** 20 }));
    }
    log('1b. GetUser through the gateway with the client package');
    const { result: load, cpuUs } = await measuredOn(gateway.pid, () => closedLoop(getUser, concurrency, seconds));
    bench.figures.gatewayClosedLoopRps ??= load.requests / load.seconds;
    bench.rows.push(fromLoad('1b. GetUser via gateway (client package)', load, { serverCpuUs: cpuUs, peakRssMb: memory(gateway.pid).peakRss / 2 ** 20 }));
  },
};
