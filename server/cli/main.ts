import { startGateway } from '../grpc/gateway-server';
import { createLogger } from '../logging/logger';
import { startTracing } from '../tracing/tracing';
import { configOrExit, wantsHelp } from './config-or-exit';
import { serveUntilSignal } from './serve-until-signal';
import { usage } from './usage';

const help = usage(
  'npm start   (node dist/server/cli/main.js)',
  'Runs the gateway against the QuickBlox (or, with QB_UPSTREAM=connectycube, ConnectyCube) REST API\n' +
    'named by QB_API_ENDPOINT. The application credentials are required; without them use `npm run dev`,\n' +
    'which starts an embedded emulator.\n' +
    'Traces follow the standard OTEL_* variables (off unless OTEL_TRACES_EXPORTER or an OTLP endpoint is set).',
);

async function main(): Promise<void> {
  if (wantsHelp(help)) {
    console.log(help);
    return;
  }
  const config = configOrExit(process.env, 'Run with --help for every variable, or `npm run dev` to try the gateway against the embedded emulator.');
  const logger = createLogger(config.logLevel);
  const tracing = startTracing();
  const gateway = await startGateway(config, { logger });
  serveUntilSignal(gateway, logger, async () => {
    await tracing?.shutdown();
  });
}

main().catch((e: Error) => {
  console.error(`qb-grpc-gateway: ${e.message}`);
  process.exit(1);
});
