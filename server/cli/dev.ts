import pretty from 'pino-pretty';
import { demoApplication, startEmulator } from '../../emulator';
import { type UpstreamName, upstreamFacts, upstreamNames } from '../config/upstream-names';
import { type Gateway, startGateway } from '../grpc/gateway-server';
import { createLogger } from '../logging/logger';
import { startTracing } from '../tracing/tracing';
import { commandLine, configOrExit } from './config-or-exit';
import { demoBanner, writeDemoPolicy } from './dev-demo';
import { serveUntilSignal } from './serve-until-signal';
import { usage } from './usage';

const credentialVariables = ['QB_APPLICATION_ID', 'QB_AUTH_KEY', 'QB_AUTH_SECRET'] as const;

const help = usage(
  `npm run dev [-- --upstream ${upstreamNames.join('|')}]`,
  'Starts the gateway for development. With the credentials set it is the same as `npm start`;\n' +
    'without them it also starts the embedded emulator (of QuickBlox, or of ConnectyCube with\n' +
    '--upstream connectycube, which sets QB_UPSTREAM), seeded with a demo application and users,\n' +
    'and points the gateway at it. GRPC_HOST defaults to 127.0.0.1 here.',
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
  const useEmulator = credentialVariables.every((name) => !env[name]);
  const emulator = useEmulator
    ? await startEmulator({ flavour: upstream, applications: [structuredClone(demoApplication)], host: '127.0.0.1', port: 0 })
    : undefined;
  if (emulator) {
    // Only what the upstream takes: no API key where it has none, no secret where signing is optional (ConnectyCube's SDKs sign nothing).
    const facts = upstreamFacts[upstream];
    Object.assign(env, {
      QB_UPSTREAM: upstream,
      QB_APPLICATION_ID: String(demoApplication.id),
      QB_AUTH_KEY: demoApplication.authKey,
      QB_AUTH_SECRET: facts.authSecret === 'required' ? demoApplication.authSecret : undefined,
      QB_API_KEY: facts.apiKey ? demoApplication.apiKey : undefined,
      QB_API_ENDPOINT: emulator.url,
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
  if (emulator) {
    const alice = emulator.state.apps.get(demoApplication.id)?.users.find('login', 'alice');
    if (!alice) throw new Error('the demo application has no user alice');
    lines.push(
      ...demoBanner({
        upstream,
        emulatorUrl: emulator.url,
        target,
        application: demoApplication,
        aliceId: alice.id,
        policyFile: env.GATEWAY_POLICY_FILE ?? '',
      }),
    );
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
    await Promise.all([emulator?.close(), tracing?.shutdown()]);
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
