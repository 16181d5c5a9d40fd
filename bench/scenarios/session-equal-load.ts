import { type EqualLoadPath, equalLoad } from '../lib/equal-load';
import { ghz } from '../lib/ghz';
import { paced, pacingCpuUs } from '../lib/paced';
import { equalRow } from '../lib/rows';
import { sessionRequest } from '../lib/session-request';
import { need, type Scenario } from './bench';
import { aliceLogin } from './create-session';

const alice = { login: 'alice', password: 'alicePass1!' };

/**
 * S. CreateSession (login and password) at an equal rate: through the
 * gateway, on the echo server (the gRPC floor: the same messages, answered at
 * once), and as one signed `POST /session.json` with undici straight to the
 * emulator (the HTTP floor: timestamp, nonce and HMAC made per call, as the
 * gateway makes them). Interleaved rounds; each ratio is taken within a round.
 */
export const sessionEqualLoadScenario: Scenario = {
  name: 'S. CreateSession at equal load',
  needs: ['1', '2', '4'],
  async run(bench) {
    const { concurrency, rounds, roundSeconds, sessionRate: rate } = bench.settings;
    const gateway = need(bench.gateway, 'the gateway of scenario 1');
    const echo = need(bench.echo, 'the echo server of scenario 4');
    const direct = need(bench.direct, 'the undici pool of scenario 2');
    const pace = { rate, concurrency, seconds: roundSeconds };
    const pacingUs = await pacingCpuUs(pace);
    bench.log(`S. CreateSession: ${rounds} rounds at ${rate} calls/s, ${roundSeconds} s each`);
    const { ghzBin } = bench;
    // ghz takes the request in protobuf JSON; the client package takes the same request as objects.
    const json = { user: { loginPassword: alice } };
    const grpcLoad = (target: string, viaClient: () => Promise<unknown>) => () =>
      ghzBin
        ? ghz(ghzBin, target, 'quickblox.v1.SessionService/CreateSession', json, { concurrency, seconds: roundSeconds, rps: rate })
        : paced(viaClient, pace);
    const signedPost = async () => {
      const res = await direct.pool.request(sessionRequest(alice));
      if (res.statusCode !== 201) throw new Error(`POST /session.json: HTTP ${res.statusCode}`);
      return res.body.json();
    };
    const generator = ghzBin ? 'ghz' : 'client package';
    const paths: EqualLoadPath[] = [
      {
        name: `S1. CreateSession via gateway (${generator})`,
        run: grpcLoad(gateway.process.target, () => gateway.client.sessions.createSession(aliceLogin)),
        serverPid: gateway.process.pid,
      },
      {
        name: `S2. CreateSession on the echo server (gRPC floor, ${generator})`,
        run: grpcLoad(echo.target, () => echo.client.sessions.createSession(aliceLogin)),
        serverPid: echo.child.pid!,
      },
      { name: 'S3. signed POST /session.json via undici (HTTP floor)', run: () => paced(signedPost, pace) },
    ];
    const results = await equalLoad(paths, rounds, pacingUs, (round) => bench.log(`   round ${round}/${rounds}`));
    bench.equalRows.push(...paths.map((path, i) => equalRow(path.name, results[i]!, rate, roundSeconds)));
    const [g, e, u] = results as [(typeof results)[0], (typeof results)[0], (typeof results)[0]];
    const ratios = g.map((round, i) => round.serverCpuUs! / (e[i]!.serverCpuUs! + u[i]!.callerCpuUs!));
    bench.sessionRatios = ratios;
  },
};
