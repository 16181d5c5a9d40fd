import { request } from 'undici';
import { createGatewayClient } from '../../clients/src';
import { percentile } from '../lib/closed-loop';
import { startGatewayProcess } from '../lib/gateway-process';
import { stop } from '../lib/supervise';
import type { Scenario } from './bench';

const calls = 1000;

/** 6. Cold storm: 1,000 concurrent first calls on a gateway that has just started. */
export const coldStormScenario: Scenario = {
  name: '6. cold storm: 1,000 concurrent first calls on a fresh gateway',
  async run(bench) {
    const { emulator } = bench;
    await request(`${emulator.url}/__admin/stats/reset`, { method: 'POST' });
    const fresh = await startGatewayProcess(emulator);
    bench.log(`gateway ${fresh.pid} logs to ${fresh.logFile}`);
    // /healthz answers as soon as the gRPC port is bound; the application session is only then being created.
    for (;;) {
      const res = await request(`${fresh.metricsUrl}/healthz`).catch(() => undefined);
      await res?.body.dump();
      if (res?.statusCode === 200) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const client = createGatewayClient({ address: fresh.target, retry: false });
    const started = performance.now();
    const latencies: number[] = [];
    let errors = 0;
    await Promise.all(
      Array.from({ length: calls }, async () => {
        const t = performance.now();
        try {
          await client.users.getUser({ id: BigInt(emulator.aliceId) });
          latencies.push(performance.now() - t);
        } catch {
          errors++;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const stats = (await (await request(`${emulator.url}/__admin/stats`)).body.json()) as { requests: Record<string, Record<string, number>> };
    const sessions = Object.values(stats.requests['POST /session.json'] ?? {}).reduce((a, b) => a + b, 0);
    bench.figures.stormSessions = sessions;
    latencies.sort((a, b) => a - b);
    bench.rows.push({
      scenario: '6. cold storm, 1,000 first calls',
      requests: latencies.length,
      errors,
      rps: latencies.length / seconds,
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      note: `upstream session creations: ${sessions}`,
    });
    client.close();
    await stop(fresh.child);
  },
};
