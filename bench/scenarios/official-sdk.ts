import { globalAgent } from 'node:https';
import { demoApplication as app } from '../../emulator';
import { closedLoop } from '../lib/closed-loop';
import { QB, sdkCall, silently } from '../lib/official-sdk';
import { fromLoad } from '../lib/rows';
import type { Scenario } from './bench';

/** 3. The same lookup with the official quickblox SDK: what a team does today. */
export const officialSdkScenario: Scenario = {
  name: '3. the same lookup with the official quickblox SDK',
  async run(bench) {
    const { concurrency, warmup, seconds } = bench.settings;
    globalAgent.options.ca = bench.ca;
    const sdkGet = () => sdkCall((cb) => QB.users.get(bench.emulator.aliceId, cb));
    bench.sdkGet = sdkGet;
    const load = await silently(async () => {
      QB.init(app.id, app.authKey, app.authSecret, { endpoints: { api: new URL(bench.emulator.httpsUrl).host }, debug: false });
      await sdkCall((cb) => QB.createSession(cb));
      await closedLoop(sdkGet, concurrency, warmup);
      return closedLoop(sdkGet, concurrency, seconds);
    });
    bench.rows.push(fromLoad('3. GetUser via official SDK', load));
  },
};
