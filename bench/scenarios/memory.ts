import { Metadata } from 'nice-grpc';
import { createGatewayClient } from '../../clients/src';
import { metricSum, startGatewayProcess, waitReady } from '../lib/gateway-process';
import { collectGarbage } from '../lib/inspector';
import { freePort, memory, startChild } from '../lib/processes';
import { noteRow } from '../lib/rows';
import { stop } from '../lib/supervise';
import type { Bench, Scenario } from './bench';
import { aliceLogin } from './create-session';

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

/**
 * 7. Memory: the gateway's RSS with no cached user session, then with many.
 * The inspector lets the benchmark force a full GC before each RSS reading,
 * as DevTools would: RSS then holds what the gateway keeps, not the garbage
 * of the calls that just ended.
 */
export const memoryScenario: Scenario = {
  name: '7. memory of cached user sessions',
  async run(bench) {
    const count = bench.settings.cachedSessions;
    bench.log(`7. memory: ${count.toLocaleString('en')} cached user sessions`);
    const inspectorPort = await freePort();
    const gateway = await startGatewayProcess(bench.emulator, { QB_REUSE_USER_SESSIONS: 'true', LOG_LEVEL: 'warn' }, [`--inspect=127.0.0.1:${inspectorPort}`]);
    bench.log(`gateway ${gateway.pid} logs to ${gateway.logFile}`);
    await waitReady(gateway.metricsUrl);
    const client = createGatewayClient({ address: gateway.target, retry: false, defaultDeadlineMs: 60_000 });
    const create = (caller: string) => client.sessions.createSession(aliceLogin, { metadata: Metadata({ authorization: caller }) });
    for (let i = 0; i < 200; i++) await create(`warmup-${i}`);
    await collectGarbage(inspectorPort);
    const before = memory(gateway.pid).rss;
    await fill(bench, count, create);
    const entries = await metricSum(gateway.metricsUrl, 'qb_token_cache_entries', 'cache="user"');
    const unforced = memory(gateway.pid);
    await collectGarbage(inspectorPort);
    const after = memory(gateway.pid);
    bench.figures.bytesPerSession = (after.rss - before) / count;
    bench.figures.bytesPerSessionUnforced = (unforced.rss - before) / count;
    const note = `RSS after a full GC ${mb(before)} → ${mb(after.rss)} MB: ${Math.round(bench.figures.bytesPerSession)} B per cached session (${entries} entries); before that GC ${mb(unforced.rss)} MB`;
    bench.rows.push(noteRow(`7. gateway RSS, 0 → ${count.toLocaleString('en')} cached sessions`, count, note, { peakRssMb: after.peakRss / 2 ** 20 }));
    client.close();
    await stop(gateway.child);

    const { info: heap } = await startChild<{ entries: number; bytesPerEntry: number }>('child/session-cache-memory.js', {
      NODE_OPTIONS: '--expose-gc',
      BENCH_ENTRIES: String(count),
    });
    bench.figures.heapBytesPerSession = heap.bytesPerEntry;
    bench.rows.push(
      noteRow(
        `7b. heap per cached session (the cache alone, ${count.toLocaleString('en')} entries, after full GC)`,
        heap.entries,
        `${heap.bytesPerEntry} B per cached session`,
      ),
    );
  },
};

/** Creates `count` sessions, each for another caller, 32 at a time. */
async function fill(bench: Bench, count: number, create: (caller: string) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < count) {
        const i = next++;
        await create(`caller-${i}`);
        if (i % 10_000 === 0 && i > 0) bench.log(`   ${i.toLocaleString('en')} sessions cached`);
      }
    }),
  );
}
