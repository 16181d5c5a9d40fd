import { Pool } from 'undici';
import { demoApplication as app } from '../../emulator';
import { sign } from '../../server';
import { closedLoop } from '../lib/closed-loop';
import { fromLoad } from '../lib/rows';
import type { Scenario } from './bench';

/** 2. The same REST request straight to the emulator with undici: the HTTP floor. */
export const httpFloorScenario: Scenario = {
  name: '2. the same REST request with undici (HTTP floor)',
  async run(bench) {
    const { concurrency, warmup, seconds } = bench.settings;
    const params: Record<string, string> = {
      application_id: String(app.id),
      auth_key: app.authKey,
      nonce: '1',
      timestamp: String(Math.floor(Date.now() / 1000)),
    };
    params.signature = sign(params, app.authSecret);
    const pool = new Pool(bench.emulator.httpsUrl, { connections: concurrency, connect: { ca: bench.ca } });
    const created = await pool.request({
      method: 'POST',
      path: '/session.json',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });
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
