import { createGatewayClient } from '../../clients/src';
import { startGatewayProcess, waitReady } from '../lib/gateway-process';
import { paced } from '../lib/paced';
import { cpuSeconds } from '../lib/processes';
import { redisInstalled, startBenchRedis } from '../lib/redis';
import { fromLoad } from '../lib/rows';
import { stop } from '../lib/supervise';
import type { Scenario } from './bench';

/**
 * 10. What sharing through Redis costs: GetUser at the equal-load rate on one
 * gateway alone, spread over two replicas each on its own, on one gateway at
 * half the rate (the controls: CPU per call depends on the load each process
 * carries), then over two replicas sharing a local redis-server
 * (REDIS_URL), both with a budget (QB_RATE_LIMIT) far above the load so that
 * every request takes its slot — from the Lua script with Redis, locally
 * without. CPU per call is the sum over the gateway processes.
 */
export const replicasScenario: Scenario = {
  name: '10. two replicas sharing Redis, against one alone',
  async run(bench) {
    const { emulator, settings, log } = bench;
    if (!redisInstalled()) {
      log('10. redis-server not installed (apt-get install redis-server): the scenario is left out');
      return;
    }
    const redis = await startBenchRedis();
    const seconds = settings.full ? 20 : 5;
    const env = { QB_RATE_LIMIT: '100000', QB_COALESCE_WINDOW_MS: '0' };
    try {
      const shared = { REDIS_URL: redis.url, REDIS_ENCRYPTION_KEY: 'bench-only-secret-of-32-characters' };
      for (const [label, count, extra, rate] of [
        ['one gateway alone', 1, {}, settings.rate],
        // The controls: the same split of the load without Redis, and one gateway at the load each replica carries, so
        // that what sharing costs is told apart from what splitting the load over two processes does.
        ['two replicas on their own', 2, {}, settings.rate],
        ['one gateway at the load of one replica', 1, {}, settings.rate / 2],
        ['two replicas sharing Redis', 2, shared, settings.rate],
      ] as const) {
        const gateways = await Promise.all(Array.from({ length: count }, () => startGatewayProcess(emulator, { ...env, ...extra })));
        await Promise.all(gateways.map((g) => waitReady(g.metricsUrl)));
        const clients = gateways.map((g) => createGatewayClient({ address: g.target }));
        let n = 0;
        const call = () => (clients[n++ % clients.length] ?? clients[0]!).users.getUser({ id: BigInt(emulator.aliceId) });
        // Warm for longer than a replica's own budget share takes to become usable (a heartbeat and a window,
        // server/upstream/shared-budget.ts): what is measured is the steady state, not the first seconds.
        await paced(call, { rate, concurrency: settings.concurrency, seconds: 4 });
        log(`10. ${label} at ${rate}/s`);
        const before = gateways.map((g) => cpuSeconds(g.pid));
        const load = await paced(call, { rate, concurrency: settings.concurrency, seconds });
        const cpu = gateways.reduce((sum, g, i) => sum + cpuSeconds(g.pid) - (before[i] ?? 0), 0);
        bench.rows.push(fromLoad(`10. ${label} at ${rate}/s`, load, { serverCpuUs: (cpu * 1e6) / Math.max(1, load.requests) }));
        for (const c of clients) c.close();
        await Promise.all(gateways.map((g) => stop(g.child)));
      }
    } finally {
      await redis.stop();
    }
  },
};
