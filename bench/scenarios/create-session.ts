import { closedLoop } from '../lib/closed-loop';
import { QB, sdkCall, silently } from '../lib/official-sdk';
import { measuredOn } from '../lib/processes';
import { fromLoad } from '../lib/rows';
import { stop } from '../lib/supervise';
import { need, type Scenario } from './bench';

/** The CreateSession request every session scenario sends. */
export const aliceLogin = {
  subject: { $case: 'user' as const, value: { method: { $case: 'loginPassword' as const, value: { login: 'alice', password: 'alicePass1!' } } } },
};

/** 5. CreateSession with login and password: through the gateway, and with the SDK. Ends the GetUser gateway. */
export const createSessionScenario: Scenario = {
  name: '5. CreateSession with login and password, gateway and SDK',
  needs: ['1'],
  async run(bench) {
    const { concurrency, warmup, seconds } = bench.settings;
    const gateway = need(bench.gateway, 'the gateway of scenario 1');
    const viaGateway = () => gateway.client.sessions.createSession(aliceLogin);
    await closedLoop(viaGateway, concurrency, warmup);
    const { result: load, cpuUs } = await measuredOn(gateway.process.pid, () => closedLoop(viaGateway, concurrency, seconds));
    bench.rows.push(fromLoad('5a. CreateSession via gateway', load, { serverCpuUs: cpuUs }));
    const viaSdk = () => sdkCall((cb) => QB.createSession({ login: 'alice', password: 'alicePass1!' }, cb));
    const sdk = await silently(async () => {
      await closedLoop(viaSdk, concurrency, warmup);
      return closedLoop(viaSdk, concurrency, seconds);
    });
    bench.rows.push(
      fromLoad('5b. CreateSession via official SDK', sdk, {
        note: sdk.errors ? 'errors: the SDK draws nonces from 0..9999, which repeat within a second' : undefined,
      }),
    );
    gateway.client.close();
    await stop(gateway.process.child);
    bench.gateway = undefined;
  },
};
