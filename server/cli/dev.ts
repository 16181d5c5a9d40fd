import pretty from 'pino-pretty';
import { demoApplication, startEmulator } from '../../emulator';
import { applicationVariables } from '../config/load-config';
import { type UpstreamName, upstreamNames } from '../config/upstream-names';
import { type Gateway, startGateway } from '../grpc/gateway-server';
import { createLogger } from '../logging/logger';
import { startTracing } from '../tracing/tracing';
import { commandLine, configOrExit } from './config-or-exit';
import { demoBanner, writeDemoApplications, writeDemoPolicy } from './dev-demo';
import { serveUntilSignal } from './serve-until-signal';
import { usage } from './usage';

const credentialVariables = ['QB_APPLICATION_ID', 'QB_AUTH_KEY', 'QB_AUTH_SECRET'] as const;

const help = usage(
  `npm run dev [-- --upstream ${upstreamNames.join('|')}]`,
  'Starts the gateway for development. With the credentials (or GATEWAY_APPLICATIONS_FILE) set it is\n' +
    'the same as `npm start`; without them it also starts the embedded QuickBlox and ConnectyCube\n' +
    'emulators, each seeded with a demo application and users, and serves them as two applications,\n' +
    'quickblox and connectycube (a call names one with the qb-application metadata); --upstream\n' +
    '(or QB_UPSTREAM) picks the default, quickblox unless set. GRPC_HOST defaults to 127.0.0.1 here.',
);

async function main(): Promise<void> {
  const args = commandLine(help, { upstream: { type: 'string' } });
  if (args.help) {
    console.log(help);
    return;
  }
  const env: NodeJS.ProcessEnv = { GRPC_HOST: '127.0.0.1', ...process.env };
  if (typeof args.upstream === 'string') env.QB_UPSTREAM = args.upstream;
  const upstream = (env.QB_UPSTREAM || 'quickblox') as UpstreamName;
  if (!upstreamNames.includes(upstream)) {
    console.error(`qb-grpc-gateway: --upstream (QB_UPSTREAM) must be ${upstreamNames.join(' or ')}, got "${upstream}"\n\n${help}`);
    process.exit(2);
  }
  const useEmulator = credentialVariables.every((name) => !env[name]) && !env.GATEWAY_APPLICATIONS_FILE;
  // Every upstream's emulator at once, each an application named after it; --upstream picks the default.
  const emulators = useEmulator ? await Promise.all(upstreamNames.map((name) => startDemoEmulator(name))) : [];
  if (useEmulator) {
    Object.assign(env, {
      // The file describes the applications: the variables of one application would contradict it.
      ...Object.fromEntries(applicationVariables.map((name) => [name, undefined])),
      GATEWAY_APPLICATIONS_FILE: writeDemoApplications(emulators, demoApplication, upstream),
      GATEWAY_POLICY_FILE: env.GATEWAY_POLICY_FILE || writeDemoPolicy(),
    });
  }
  const config = configOrExit(env, 'Run with --help for every variable.');
  // Development only: log lines for a person (pino-pretty, a devDependency); `npm start` keeps JSON lines for machines.
  const logger = createLogger(config.logLevel, pretty({ colorize: process.stdout.isTTY, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' }));
  const tracing = startTracing(env);
  const gateway = await startGateway(config, { logger });
  const target = gateway.address.replace(/^0\.0\.0\.0:/, '127.0.0.1:');
  const ready = await untilReady(gateway, 10_000);

  const lines: string[] = [''];
  if (useEmulator) {
    lines.push(...demoBanner({ emulators, defaultName: upstream, target, application: demoApplication, policyFile: env.GATEWAY_POLICY_FILE ?? '' }));
  } else {
    lines.push(
      ...config.applications.map(
        (a) =>
          `${a.name === config.defaultApplication ? 'Running' : 'Also'} against ${a.upstream.endpoint} (${a.upstream.name}, application ${a.upstream.applicationId}${config.applications.length > 1 ? `, as ${a.name}` : ''}).`,
      ),
      '',
      `gRPC on ${target}. Try:`,
    );
    lines.push(`  grpcurl -plaintext ${target} list`);
  }
  const operator = `${target.replace(/:\d+$/, '')}:${gateway.metricsPort}`;
  if (!ready) lines.push('', `Not ready yet: ${JSON.stringify(gateway.readiness.state())} (see the log for why).`);
  lines.push('', `Metrics, liveness and readiness: http://${operator}/metrics /healthz /readyz`, '', 'Ctrl-C stops it.', '');
  process.stderr.write(lines.join('\n'));
  serveUntilSignal(gateway, logger, async () => {
    await Promise.all([...emulators.map((e) => e.emulator.close()), tracing?.shutdown()]);
  });
}

/** Resolves true once the gateway is ready, or false after `timeoutMs`. */
function untilReady(gateway: Gateway, timeoutMs: number): Promise<boolean> {
  if (gateway.readiness.state().ready) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      stop();
      resolve(false);
    }, timeoutMs);
    const stop = gateway.readiness.onChange((state) => {
      if (!state.ready) return;
      clearTimeout(timer);
      stop();
      resolve(true);
    });
  });
}

main().catch((e: Error) => {
  console.error(`qb-grpc-gateway: ${e.message}`);
  process.exit(1);
});

/** One embedded emulator with the demo application, and the demo user alice's id there. */
async function startDemoEmulator(upstream: UpstreamName) {
  const emulator = await startEmulator({ flavour: upstream, applications: [structuredClone(demoApplication)], host: '127.0.0.1', port: 0 });
  const alice = emulator.state.apps.get(demoApplication.id)?.users.find('login', 'alice');
  if (!alice) throw new Error('the demo application has no user alice');
  return { upstream, url: emulator.url, aliceId: alice.id, emulator };
}
