import { createCallerGate } from '../callers/caller-gate';
import type { GatewayConfig } from '../config/gateway-config';
import { checkListenable, listenError } from '../errors/listen-error';
import { flavours } from '../flavours/flavours';
import type { Logger } from '../logging/logger';
import { createGatewayMetrics, type GatewayMetrics } from '../metrics/gateway-metrics';
import { startMetricsServer } from '../metrics/metrics-server';
import { createReadiness, type Readiness } from '../readiness';
import { rememberListingRefusal } from '../services/listing-refusal';
import type { OwnerAction, ServiceDeps } from '../services/service-deps';
import { createReadSharing } from '../services/shared-reads';
import { createUserBatcher } from '../services/user-batcher';
import { shareUserSessions } from '../sessions/shared-user-sessions';
import { createUserSessionCache, type UserSessionCache } from '../sessions/user-session-cache';
import { connectSharedStore, type SharedStore } from '../store/shared-store';
import { keepApplicationSession } from '../upstream/application-session-keeper';
import { createUpstream, type Upstream } from '../upstream/upstream';
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
  upstream: Upstream;
  userSessions?: UserSessionCache;
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

/** Builds and starts the gateway: the gRPC server, its middleware, the upstream client and the operator's HTTP port. */
export async function startGateway(config: GatewayConfig, options: GatewayOptions): Promise<Gateway> {
  const { logger } = options;
  const readiness = createReadiness();
  readiness.onChange((state) => {
    if (state.ready) logger.info('ready: the upstream accepted the gateway credentials');
    else logger.warn({ reason: state.reason, detail: state.detail }, 'not ready');
  });
  // Before anything connects: a port taken is said in terms of the variable to change.
  await checkListenable('GRPC_PORT', config.grpc.host, config.grpc.port);
  await checkListenable('METRICS_PORT', config.grpc.host, config.metricsPort);
  const metrics = createGatewayMetrics();
  const store = await sharedStore(config, logger, metrics);
  const nonceTag = await store?.nonceTag();
  const kit = flavours[config.upstream.name];
  const upstream = createUpstream({ config: config.upstream, flavour: kit.flavour, readiness, now: options.now, observer: metrics.observer, store, nonceTag });
  const userSessions = config.reuseUserSessions ? reusedUserSessions(config, store, metrics, options.now) : undefined;
  metrics.trackCacheSize('application', () => (upstream.applicationSession.peek() ? 1 : 0));

  warnOwnerPowersUnused(config, logger);
  const deps = serviceDeps(config, { upstream, userReads: kit.userReads }, userSessions, metrics, logger);
  const inFlight = trackInFlightCalls();
  const server = createGrpcServer({
    inFlight,
    deps,
    readiness,
    logger,
    gate: createCallerGate(config.policy),
    certificateIdentities: config.policy !== undefined,
    onCall: metrics.callerCall,
    connections: config.grpc.connections,
  });
  const { tls } = config.grpc;
  const { port, host, address, operator } = await bindPorts(config, server, metrics, readiness, async () => {
    await Promise.all([upstream.close(), store?.close()]);
  });
  logger.info(
    {
      address,
      tls: tls ? (tls.clientCa ? 'mutual' : 'server') : 'off',
      metrics: `${host}:${operator.port}`,
      upstream: config.upstream.endpoint,
      applicationId: config.upstream.applicationId,
    },
    'gRPC server listening',
  );
  const stopKeeper = options.prewarm === false ? () => {} : keepApplicationSession(upstream.applicationSession, readiness, logger);

  const shutdown = drainThenStop({
    server,
    inFlight,
    logger,
    readiness,
    stopKeeper,
    close: async (force) => {
      await Promise.all([upstream.close(force), operator.close(), store?.close()]);
    },
  });
  return {
    address,
    port,
    metricsPort: operator.port,
    readiness,
    metrics,
    upstream,
    userSessions,
    shutdown: (graceMs = config.shutdownGraceMs) => shutdown(graceMs),
  };
}

interface Stoppable {
  server: ReturnType<typeof createGrpcServer>;
  inFlight: InFlightCalls;
  logger: Logger;
  readiness: Readiness;
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
      readiness.draining();
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

/** What the services share: the upstream, the caches, the audit log and, unless turned off, coalescing. */
function serviceDeps(
  config: GatewayConfig,
  { upstream, userReads }: Pick<ServiceDeps, 'upstream' | 'userReads'>,
  userSessions: UserSessionCache | undefined,
  metrics: GatewayMetrics,
  logger: Logger,
): ServiceDeps {
  const audit = (action: OwnerAction) => logger.info({ audit: 'owner_powers', ...action }, 'owner powers used');
  const listing = rememberListingRefusal(config.listingRecheckMs);
  metrics.trackListingRefused(listing.holds);
  const deps: ServiceDeps = { upstream, userReads, userSessions, audit, listing, lookups: { batch: metrics.lookupBatch } };
  if (config.coalesceWindowMs > 0) {
    deps.batcher = createUserBatcher(deps, config.coalesceWindowMs);
    deps.shareRead = createReadSharing(metrics.sharedRead);
  }
  return deps;
}

/** An API key no caller can use is worth a word at start. */
function warnOwnerPowersUnused(config: GatewayConfig, logger: Logger): void {
  if (config.upstream.apiKey && !config.policy) {
    logger.warn(
      "QB_API_KEY is set but GATEWAY_POLICY_FILE is not: no caller holds owner powers, so CreateUserToken, and UpdateUser and DeleteUser without the user's token, are refused (PERMISSION_DENIED OWNER_POWERS_NOT_GRANTED)",
    );
  }
}

/** The user-session reuse cache (QB_REUSE_USER_SESSIONS): shared by the replicas when there is a store. */
function reusedUserSessions(config: GatewayConfig, store: SharedStore | undefined, metrics: GatewayMetrics, now: (() => number) | undefined): UserSessionCache {
  const local = createUserSessionCache({
    now,
    observe: metrics.userSessionLookup,
    hash: store?.sealer.hash,
    maxBytes: config.reuseMaxBytes,
    onEvict: metrics.userSessionEvicted,
  });
  const cache = store ? shareUserSessions(local, store, { now, onShared: metrics.userSessionShared }) : local;
  metrics.trackCacheSize(
    'user',
    () => cache.size,
    () => cache.bytes,
  );
  return cache;
}

/** The Redis of REDIS_URL, if set: a replica that starts while it is reachable shares from its first request; one that cannot reach it starts on its own. */
async function sharedStore(config: GatewayConfig, logger: Logger, metrics: GatewayMetrics): Promise<SharedStore | undefined> {
  if (!config.store) return undefined;
  const store = connectSharedStore({
    ...config.store,
    account: `${config.upstream.name}:${config.upstream.applicationId}`,
    logger,
    onChange: metrics.sharedStoreUp,
  });
  await store.ready(2000);
  return store;
}
