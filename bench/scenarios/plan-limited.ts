import { request } from 'undici';
import { createGatewayClient } from '../../clients/src';
import { demoApplication as app } from '../../emulator';
import { startGatewayProcess, waitReady } from '../lib/gateway-process';
import { paced } from '../lib/paced';
import { fromLoad } from '../lib/rows';
import { stop } from '../lib/supervise';
import type { Scenario } from './bench';

/** QuickBlox's Basic plan: requests a second per application. */
const planLimit = 80;
/** Users seeded for the mix, and the hot share of them most lookups hit. */
const population = 1000;

async function admin(base: string, method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<unknown> {
  const res = await request(`${base}/__admin/${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  return res.body.json();
}

/** 429s the emulator answered so far, on every route. */
async function upstream429s(base: string): Promise<number> {
  const stats = (await admin(base, 'GET', 'stats')) as { requests: Record<string, Record<string, number>> };
  return Object.values(stats.requests).reduce((n, byStatus) => n + (byStatus['429'] ?? 0), 0);
}

/**
 * 9. The emulator limited to the Basic plan's 80 requests a second, GetUser
 * over 1,000 users (80 % of lookups on a hot 20 %) at rising offered load,
 * through a gateway with QB_RATE_LIMIT=80: with coalescing (the default) and
 * without (QB_COALESCE_WINDOW_MS=0, one request per lookup, which is what the
 * official SDK gets from the plan at best).
 */
export const planLimitedScenario: Scenario = {
  name: '9. GetUser on a plan limited to 80 requests a second',
  async run(bench) {
    const { emulator, settings, log } = bench;
    const ids: number[] = [];
    for (let i = 0; i < population; i++) {
      const { user } = (await admin(emulator.url, 'POST', `applications/${app.id}/users`, { login: `bench-user-${i}`, password: 'benchPass123' })) as {
        user: { id: number };
      };
      ids.push(user.id);
    }
    const hot = ids.slice(0, population / 5);
    const pick = () => BigInt(Math.random() < 0.8 ? (hot[Math.floor(Math.random() * hot.length)] ?? 0) : (ids[Math.floor(Math.random() * ids.length)] ?? 0));
    await admin(emulator.url, 'PUT', 'rate-limit', { perSecond: planLimit });
    const seconds = settings.full ? 10 : 3;
    try {
      for (const [label, window] of [
        ['coalescing', '2'],
        ['one request per lookup', '0'],
      ] as const) {
        const gateway = await startGatewayProcess(emulator, {
          QB_RATE_LIMIT: String(planLimit),
          QB_RATE_LIMIT_MAX_WAIT_MS: '1000',
          QB_COALESCE_WINDOW_MS: window,
        });
        await waitReady(gateway.metricsUrl);
        const client = createGatewayClient({ address: gateway.target });
        for (const rate of [200, 400, 800, 1600]) {
          const before = await upstream429s(emulator.url);
          log(`9. ${label} at ${rate}/s offered`);
          const load = await paced(() => client.users.getUser({ id: pick() }), { rate, concurrency: 4000, seconds });
          const tooMany = (await upstream429s(emulator.url)) - before;
          bench.rows.push(fromLoad(`9. plan 80/s, ${label}, ${rate}/s offered`, load, { note: `upstream 429s: ${tooMany}` }));
          if (window !== '0' && tooMany === 0 && load.errors === 0) bench.figures.planLimitedServed = Math.max(bench.figures.planLimitedServed ?? 0, rate);
        }
        client.close();
        await stop(gateway.child);
      }
    } finally {
      await admin(emulator.url, 'PUT', 'rate-limit', { perSecond: 0 });
    }
  },
};
