import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Metadata } from 'nice-grpc';
import { request } from 'undici';
import { collectGarbage } from '../../bench/lib/inspector';
import { freePort, memory } from '../../bench/lib/processes';
import { createGatewayClient } from '../../clients/src';
import { type Emulator, startEmulator } from '../../emulator/server';
import { entryBytes } from '../../server/sessions/session-entries';
import { app, loginRequest } from '../gateway/harness';
import { productionEnv, root } from './dev-gateway';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ applications: [structuredClone(app)], host: '127.0.0.1', port: 0 });
});
afterAll(() => emulator.close());

async function metric(operator: string, name: string): Promise<number> {
  const text = await (await request(`http://${operator}/metrics`)).body.text();
  return Number(new RegExp(`^${name}\\{application="default",cache="user"\\} (\\d+)`, 'm').exec(text)?.[1]);
}

it('QB_REUSE_MAX_BYTES holds: 40,000 sessions from distinct callers through a 4 MiB cache keep its entries and bytes under the bound, and RSS flat once it is full', async () => {
  const bound = 4 * 2 ** 20;
  const [grpcPort, metricsPort, inspectorPort] = [await freePort(), await freePort(), await freePort()];
  const child = spawn(process.execPath, [`--inspect=127.0.0.1:${inspectorPort}`, 'dist/server/cli/main.js'], {
    cwd: root,
    env: productionEnv(emulator.url, {
      GRPC_PORT: String(grpcPort),
      METRICS_PORT: String(metricsPort),
      LOG_LEVEL: 'warn',
      QB_REUSE_USER_SESSIONS: 'true',
      QB_REUSE_MAX_BYTES: String(bound),
    }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const operator = `127.0.0.1:${metricsPort}`;
  try {
    for (;;) {
      const res = await request(`http://${operator}/readyz`).catch(() => undefined);
      await res?.body.dump();
      if (res?.statusCode === 200) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const client = createGatewayClient({ address: `127.0.0.1:${grpcPort}`, retry: false });
    const create = (caller: string) => client.sessions.createSession(loginRequest('alice', 'alicePass1!'), { metadata: Metadata({ authorization: caller }) });
    for (let i = 0; i < 200; i++) await create(`warmup-${i}`);
    let next = 0;
    /** Creates sessions for new callers up to `count` in all, 32 at a time, then reads RSS after a full GC. */
    const fillTo = async (count: number) => {
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          while (next < count) await create(`caller-${next++}`);
        }),
      );
      await collectGarbage(inspectorPort);
      return memory(child.pid!).rss;
    };
    const count = 40_000;
    // The first half fills the cache many times over; the second half is where RSS must stay flat.
    const before = await fillTo(count / 2);
    const after = await fillTo(count);
    const [entries, bytes, evictions] = [
      await metric(operator, 'qb_token_cache_entries'),
      await metric(operator, 'qb_token_cache_bytes'),
      await metric(operator, 'qb_token_cache_evictions_total'),
    ];
    client.close();
    const perEntry = entryBytes('x'.repeat(43), 'x'.repeat(40));
    console.log(
      `${count} sessions into a ${bound} B cache: ${entries} entries, ${bytes} B estimated, ${evictions} evicted; RSS after a full GC at ${count / 2} sessions ${(before / 2 ** 20).toFixed(1)} MB, at ${count} ${(after / 2 ** 20).toFixed(1)} MB`,
    );
    expect(bytes).toBeLessThanOrEqual(bound);
    expect(entries).toBe(Math.floor(bound / perEntry));
    expect(evictions).toBe(count + 200 - entries);
    // Unbounded, the second half's sessions would add about 32 MB (1.6 KB each, bench scenario 7).
    expect(after - before).toBeLessThan(bound);
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}, 180_000);
