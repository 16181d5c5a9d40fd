import { Pool } from 'undici';
import { closedLoop } from '../lib/closed-loop';
import { fromLoad } from '../lib/rows';
import { sessionRequest } from '../lib/session-request';
import type { Scenario } from './bench';

/** 2. The same REST request straight to the emulator with undici: the HTTP floor. */
export const httpFloorScenario: Scenario = {
  name: '2. the same REST request with undici (HTTP floor)',
  async run(bench) {
    const { concurrency, warmup, seconds } = bench.settings;
    const pool = new Pool(bench.emulator.httpsUrl, { connections: concurrency, connect: { ca: bench.ca } });
    const created = await pool.request(sessionRequest());
    const appToken = ((await created.body.json()) as { session: { token: string } }).session.token;
    const call = async () => {
      const res = await pool.request({ method: 'GET', path: `/users/${bench.emulator.aliceId}.json`, headers: { 'qb-token': appToken } });
      return res.body.json();
    };
    bench.direct = { pool, call };
    await closedLoop(call, concurrency, warmup);
    bench.rows.push(fromLoad('2. REST via undici (HTTP floor)', await closedLoop(call, concurrency, seconds)));
  },
};
