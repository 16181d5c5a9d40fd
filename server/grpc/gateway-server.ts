import { applicationChoice } from '../callers/application-choice';
import { createCallerGate } from '../callers/caller-gate';
import { defaultApplication } from '../config/default-application';
import type { GatewayConfig } from '../config/gateway-config';
import { checkListenable, listenError } from '../errors/listen-error';
import type { Logger } from '../logging/logger';
import { createGatewayMetrics, type GatewayMetrics } from '../metrics/gateway-metrics';
import { startMetricsServer } from '../metrics/metrics-server';
import type { Readiness } from '../readiness';
import type { UserSessionCache } from '../sessions/user-session-cache';
import { connectSharedStore, type SharedStore } from '../store/shared-store';
import type { Upstream } from '../upstream/upstream';
import { type ApplicationStack, accountOf, buildApplication } from './application-stack';
import { createGrpcServer } from './grpc-server';
import { type InFlightCalls, trackInFlightCalls } from './in-flight-calls';
import { serverCredentials } from './server-credentials';

/** How long connections may take to close once the calls still in flight at the end of the grace were ended. */
const closeAfterCutOffMs = 500;

export interface Gateway {
  /** `host:port` the gRPC server listens on. */
  address: string;
  port: number;
  /** The port of /metrics, /healthz and /readyz. */
  metricsPort: number;
  readiness: Readiness;
  metrics: GatewayMetrics;
  /** The default application's upstream and reuse cache. */
  upstream: Upstream;
  userSessions?: UserSessionCache;
  /** Every application, by name. */
  applications: ReadonlyMap<string, ApplicationStack>;
  /** Goes not ready, stops taking calls, lets in-flight calls finish within the grace period, then cancels the rest. */
  shutdown(graceMs?: number): Promise<void>;
}

export interface GatewayOptions {
  logger: Logger;
  /** Local clock (tests). */
  now?: () => number;
  /** Create the application session at start, and keep trying until the upstream accepts it (default true). */
  prewarm?: boolean;
}

/** Builds and starts the gateway: the gRPC server, its middleware, each application's upstream client and the operator's HTTP port. */
export async function startGateway(config: GatewayConfig, options: GatewayOptions): Promise<Gateway> {
  const { logger } = options;
  // Before anything connects: a port taken is said in terms of the variable to change.
  await checkListenable('GRPC_PORT', config.grpc.host, config.grpc.port);
  await checkListenable('METRICS_PORT', config.grpc.host, config.metricsPort);
  const metrics = createGatewayMetrics();
  const store = await sharedStore(config, logger, metrics);
  const shared = { config, metrics, logger, store, now: options.now };
  // The process is ready when the default application is: a call that names none is served by it.
  const main = await buildApplication(defaultApplication(config), shared);
  const applications = new Map<string, ApplicationStack>([[main.name, main]]);
  for (const app of config.applications) if (app.name !== main.name) applications.set(app.name, await buildApplication(app, shared));
  warnOwnerPowersUnused(config, logger);
  const inFlight = trackInFlightCalls();
  const server = createGrpcServer({
    inFlight,
    applications: new Map([...applications].map(([name, app]) => [name, app.deps])),
    applicationReadiness: new Map([...applications].map(([name, app]) => [name, app.readiness])),
    chooseApplication: applicationChoice([...applications.keys()], config.defaultApplication),
    readiness: main.readiness,
    logger,
    gate: createCallerGate(config.policy),
    certificateIdentities: config.policy !== undefined,
    onCall: metrics.callerCall,
    connections: config.grpc.connections,
  });
  const closeAll = (force: boolean) => Promise.all([...applications.values()].map((app) => app.close(force)));
  const { tls } = config.grpc;
  const { port, host, address, operator } = await bindPorts(config, server, metrics, main.readiness, async () => {
    await Promise.all([closeAll(false), store?.close()]);
  });
  logger.info(
    {
      address,
      tls: tls ? (tls.clientCa ? 'mutual' : 'server') : 'off',
      metrics: `${host}:${operator.port}`,
      applications: config.applications.map((a) => `${a.name}: ${a.upstream.name} ${a.upstream.applicationId} at ${a.upstream.endpoint}`),
      default: config.defaultApplication,
    },
    'gRPC server listening',
  );
  const keepers = options.prewarm === false ? [] : [...applications.values()].map((app) => app.keepWarm());

  const shutdown = drainThenStop({
    server,
    inFlight,
    logger,
    readiness: [...applications.values()].map((app) => app.readiness),
    stopKeeper: () => {
      for (const stop of keepers) stop();
    },
    close: async (force) => {
      await Promise.all([closeAll(force), operator.close(), store?.close()]);
    },
  });
  return {
    address,
    port,
    metricsPort: operator.port,
    readiness: main.readiness,
    metrics,
    upstream: main.upstream,
    userSessions: main.userSessions,
    applications,
    shutdown: (graceMs = config.shutdownGraceMs) => shutdown(graceMs),
  };
}

interface Stoppable {
  server: ReturnType<typeof createGrpcServer>;
  inFlight: InFlightCalls;
  logger: Logger;
  /** Every application's: all go not ready at once. */
  readiness: readonly Readiness[];
  stopKeeper: () => void;
  /** Closes what the calls used; `force`: the grace ended with calls in flight, whose upstream requests are aborted. */
  close: (force: boolean) => Promise<void>;
}

/**
 * The shutdown, once however often it is asked for: not ready, no new calls,
 * the calls in flight given `graceMs`, then those left ended with a status.
 */
function drainThenStop({ server, inFlight, logger, readiness, stopKeeper, close }: Stoppable): (graceMs: number) => Promise<void> {
  let stopping: Promise<void> | undefined;
  return (graceMs) => {
    stopping ??= (async () => {
      stopKeeper();
      for (const r of readiness) r.draining();
      logger.info({ graceMs, inFlight: inFlight.size }, 'shutting down: draining in-flight calls');
      let graceOver = false;
      let lingered: () => void = () => {};
      let closing: Promise<void> | undefined;
      const closeOnce = (force: boolean) => (closing ??= close(force));
      const force = setTimeout(() => {
        graceOver = true;
        logger.warn({ graceMs, cutOff: inFlight.cutOff() }, 'shutdown grace over: calls still in flight ended UNAVAILABLE');
        server.forceShutdown();
        // Their upstream requests: aborted with the pool, at once.
        void closeOnce(true);
        // A connection whose client reads nothing more cannot close gracefully: it is not waited for past this.
        setTimeout(lingered, closeAfterCutOffMs).unref();
      }, graceMs);
      try {
        await Promise.race([server.shutdown(), new Promise<void>((resolve) => (lingered = resolve))]);
      } finally {
        clearTimeout(force);
        await closeOnce(graceOver);
      }
      logger.info('shut down');
    })();
    return stopping;
  };
}

/**
 * Binds the gRPC port, then the operator's. A port taken since the checks at
 * start gets the same message, and nothing is left open behind it.
 */
async function bindPorts(
  config: GatewayConfig,
  server: ReturnType<typeof createGrpcServer>,
  metrics: GatewayMetrics,
  readiness: Readiness,
  close: () => Promise<void>,
) {
  const giveUp = async (e: Error): Promise<never> => {
    server.forceShutdown();
    await close();
    throw e;
  };
  const { host: bindHost, port: grpcPort, tls } = config.grpc;
  const port = await server
    .listen(`${bindHost}:${grpcPort}`, serverCredentials(tls))
    .catch((e: unknown) => giveUp(listenError('GRPC_PORT', bindHost, grpcPort, e)));
  const host = bindHost.includes(':') ? `[${bindHost}]` : bindHost;
  const operator = await startMetricsServer(bindHost, config.metricsPort, metrics.registry, readiness).catch(giveUp);
  return { port, host, address: `${host}:${port}`, operator };
}

/** An API key no caller can use is worth a word at start. */
function warnOwnerPowersUnused(config: GatewayConfig, logger: Logger): void {
  if (config.applications.some((a) => a.upstream.apiKey) && !config.policy) {
    logger.warn(
      "an API key (QB_API_KEY, or apiKey in GATEWAY_APPLICATIONS_FILE) is set but GATEWAY_POLICY_FILE is not: no caller holds owner powers, so CreateUserToken, and UpdateUser and DeleteUser without the user's token, are refused (PERMISSION_DENIED OWNER_POWERS_NOT_GRANTED)",
    );
  }
}

/** The Redis of REDIS_URL, if set: a replica that starts while it is reachable shares from its first request; one that cannot reach it starts on its own. */
async function sharedStore(config: GatewayConfig, logger: Logger, metrics: GatewayMetrics): Promise<SharedStore | undefined> {
  if (!config.store) return undefined;
  const store = connectSharedStore({
    ...config.store,
    // Each application keeps its keys under its own account (application-stack.ts); this one is the default's.
    account: accountOf(defaultApplication(config).upstream),
    logger,
    onChange: metrics.sharedStoreUp,
  });
  await store.ready(2000);
  return store;
}
