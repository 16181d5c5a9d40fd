import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGatewayClient } from '../../clients/src';
import { demoApplication } from '../../emulator';
import { equalLoad } from '../lib/equal-load';
import { startGatewayProcess, waitReady } from '../lib/gateway-process';
import { paced, pacingCpuUs } from '../lib/paced';
import { equalRow } from '../lib/rows';
import { stop } from '../lib/supervise';
import type { Scenario } from './bench';

/**
 * 11. What serving several applications costs: GetUser at the equal-load
 * rate on a gateway with one application, and on one with two (the demo
 * application and a second like it on the same emulator, through
 * GATEWAY_APPLICATIONS_FILE) with the calls spread over both by
 * `qb-application`. Coalescing is off in both, so each call is one upstream
 * request and what differs is the choosing, the routing and the labels.
 * Interleaved rounds; the gateway process's CPU per call, and p50/p99. A
 * control runs the gateway of two applications with every call on one.
 */
export const applicationsScenario: Scenario = {
  name: '11. GetUser over two applications, against all on one',
  async run(bench) {
    const { emulator, settings, log } = bench;
    const { rate, concurrency, rounds, roundSeconds } = settings;
    const file = join(tmpdir(), `qb-bench-applications-${process.pid}.json`);
    const application = (name: string, id: number, authKey: string) => ({
      name,
      upstream: 'quickblox',
      applicationId: id,
      authKey,
      authSecret: demoApplication.authSecret,
      endpoint: emulator.httpsUrl,
      caFile: emulator.certFile,
    });
    writeFileSync(
      file,
      JSON.stringify({
        default: 'one',
        applications: [application('one', demoApplication.id, demoApplication.authKey), application('two', emulator.second.id, emulator.second.authKey)],
      }),
    );
    const env = { QB_COALESCE_WINDOW_MS: '0', LOG_LEVEL: 'warn' };
    const single = await startGatewayProcess(emulator, env);
    // The file describes every application: the variables of the one the other gateway serves are left out.
    const unset = { QB_APPLICATION_ID: '', QB_AUTH_KEY: '', QB_AUTH_SECRET: '', QB_API_KEY: '', QB_API_ENDPOINT: '', QB_API_CA_FILE: '' };
    const double = await startGatewayProcess(emulator, { ...env, ...unset, GATEWAY_APPLICATIONS_FILE: file });
    try {
      await Promise.all([waitReady(single.metricsUrl), waitReady(double.metricsUrl)]);
      const one = createGatewayClient({ address: single.target });
      const two = createGatewayClient({ address: double.target });
      let n = 0;
      const onOne = () => one.users.getUser({ id: BigInt(emulator.aliceId) });
      const spread = () =>
        n++ % 2 ? two.users.getUser({ id: BigInt(emulator.second.aliceId) }, { application: 'two' }) : two.users.getUser({ id: BigInt(emulator.aliceId) });
      const pace = { rate, concurrency, seconds: roundSeconds };
      // Both warm: each application's session made, the code compiled.
      await Promise.all([paced(onOne, { ...pace, seconds: 2 }), paced(spread, { ...pace, seconds: 2 })]);
      const pacingUs = await pacingCpuUs(pace);
      log(`11. ${rounds} rounds at ${rate}/s, ${roundSeconds} s each`);
      // The control: the gateway of two applications with every call on one, to tell serving two apart from spreading the calls.
      const allOnFirst = () => two.users.getUser({ id: BigInt(emulator.aliceId) });
      const paths = [
        { name: '11a. GetUser, one application', run: () => paced(onOne, pace), serverPid: single.pid },
        { name: '11b. GetUser spread over two applications', run: () => paced(spread, pace), serverPid: double.pid },
        { name: '11c. GetUser, two applications, every call on one', run: () => paced(allOnFirst, pace), serverPid: double.pid },
      ];
      const results = await equalLoad(paths, rounds, pacingUs, (round) => log(`   round ${round}/${rounds}`));
      bench.equalRows.push(...paths.map((path, i) => equalRow(path.name, results[i]!, rate, roundSeconds)));
      const within = (a: number, b: number) => results[a]!.map((round, i) => round.serverCpuUs! / results[b]![i]!.serverCpuUs!);
      bench.applicationRatios = within(1, 0);
      bench.applicationControlRatios = within(2, 0);
      one.close();
      two.close();
    } finally {
      await Promise.all([stop(single.child), stop(double.child)]);
    }
  },
};
