import { createGatewayClient } from '../../clients/src';
import { closedLoop } from '../lib/closed-loop';
import { callsFor, ghz } from '../lib/ghz';
import { measuredOn, memory, startChild } from '../lib/processes';
import { fromGhz, fromLoad } from '../lib/rows';
import type { Scenario } from './bench';

/** 4. A bare nice-grpc echo answering the same call: the gRPC floor. */
export const grpcFloorScenario: Scenario = {
  name: '4. bare nice-grpc unary echo (gRPC floor)',
  async run(bench) {
    const { concurrency, warmup, seconds } = bench.settings;
    const { child, info } = await startChild<{ port: number }>('child/echo-server.js');
    const pid = child.pid!;
    const target = `127.0.0.1:${info.port}`;
    const client = createGatewayClient({ address: target });
    bench.echo = { child, target, client, getUser: () => client.users.getUser({ id: 1n }) };
    if (bench.ghzBin) {
      const ghzBin = bench.ghzBin;
      bench.log('4. bare nice-grpc unary echo (gRPC floor, ghz)');
      const warm = await ghz(ghzBin, target, 'quickblox.v1.UserService/GetUser', { id: '1' }, { concurrency, seconds: warmup });
      const { result, cpuUs } = await measuredOn(pid, () =>
        ghz(ghzBin, target, 'quickblox.v1.UserService/GetUser', { id: '1' }, { concurrency, ...callsFor(warm, seconds) }),
      );
      bench.rows.push(fromGhz('4. echo server (gRPC floor, ghz)', result, { serverCpuUs: cpuUs, peakRssMb: memory(pid).peakRss / 2 ** 20 }));
    }
    bench.log('4b. bare nice-grpc unary echo with the client package');
    const call = () => client.users.getUser({ id: 1n });
    await closedLoop(call, concurrency, warmup);
    const { result: load, cpuUs } = await measuredOn(pid, () => closedLoop(call, concurrency, seconds));
    bench.rows.push(fromLoad('4b. echo server (client package)', load, { serverCpuUs: cpuUs }));
  },
};
