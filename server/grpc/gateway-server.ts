import { ServerCredentials } from '@grpc/grpc-js';
import { createServer } from 'nice-grpc';
import { errorDetailsServerMiddleware } from 'nice-grpc-error-details';
import { openTelemetryServerMiddleware } from 'nice-grpc-opentelemetry';
import { prometheusServerMiddleware } from 'nice-grpc-prometheus';
import { HealthDefinition } from '../../gen/index.grpc.health.v1';
import { SessionServiceDefinition, UserServiceDefinition } from '../../gen/index.quickblox.v1';
import type { GatewayConfig } from '../config/gateway-config';
import { createHealthService } from '../health/health-service';
import type { Logger } from '../logging/logger';
import { createGatewayMetrics, type GatewayMetrics } from '../metrics/gateway-metrics';
import { startMetricsServer } from '../metrics/metrics-server';
import { createReadiness, type Readiness } from '../readiness';
import { createSessionService } from '../services/session-service';
import { createUserService } from '../services/user-service';
import { createUserSessionCache, type UserSessionCache } from '../sessions/user-session-cache';
import { tracingStarted } from '../tracing/tracing';
import { keepApplicationSession } from '../upstream/application-session-keeper';
import { createUpstream, type Upstream } from '../upstream/upstream';
import { callLogMiddleware } from './call-log-middleware';
import { internalErrorMiddleware } from './internal-error-middleware';
import { addReflection } from './reflection';

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

/** The services the gateway serves, by full name. */
export const servedServices = [SessionServiceDefinition.fullName, UserServiceDefinition.fullName] as const;

/** Builds and starts the gateway: the gRPC server, its middleware, the upstream client and the operator's HTTP port. */
export async function startGateway(config: GatewayConfig, options: GatewayOptions): Promise<Gateway> {
  const { logger } = options;
  const readiness = createReadiness();
  readiness.onChange((state) => {
    if (state.ready) logger.info('ready: the upstream accepted the gateway credentials');
    else logger.warn({ reason: state.reason, detail: state.detail }, 'not ready');
  });
  const metrics = createGatewayMetrics();
  const upstream = createUpstream({ config: config.upstream, readiness, now: options.now, observer: metrics.observer });
  const userSessions = config.reuseUserSessions ? createUserSessionCache({ now: options.now, observe: metrics.userSessionLookup }) : undefined;
  metrics.trackCacheSize('application', () => (upstream.applicationSession.peek() ? 1 : 0));
  if (userSessions) metrics.trackCacheSize('user', () => userSessions.size);

  // First attached runs first: metrics and the server span see the final status, and so does the log line.
  const measured = createServer({ 'grpc.max_receive_message_length': 1024 * 1024 }).use(prometheusServerMiddleware());
  const server = (tracingStarted() ? measured.use(openTelemetryServerMiddleware()) : measured)
    .use(callLogMiddleware(logger))
    .use(errorDetailsServerMiddleware)
    .use(internalErrorMiddleware(logger));
  const deps = { upstream, userSessions };
  server.add(SessionServiceDefinition, createSessionService(deps));
  server.add(UserServiceDefinition, createUserService(deps));
  server.add(HealthDefinition, createHealthService(readiness, servedServices));
  addReflection(server, [...servedServices, HealthDefinition.fullName, 'grpc.reflection.v1.ServerReflection', 'grpc.reflection.v1alpha.ServerReflection']);

  const { tls } = config.grpc;
  const credentials = tls
    ? ServerCredentials.createSsl(
        tls.clientCa ? Buffer.from(tls.clientCa) : null,
        [{ cert_chain: Buffer.from(tls.cert), private_key: Buffer.from(tls.key) }],
        Boolean(tls.clientCa),
      )
    : ServerCredentials.createInsecure();
  const port = await server.listen(`${config.grpc.host}:${config.grpc.port}`, credentials);
  const host = config.grpc.host.includes(':') ? `[${config.grpc.host}]` : config.grpc.host;
  const address = `${host}:${port}`;
  const operator = await startMetricsServer(config.grpc.host, config.metricsPort, metrics.registry, readiness);
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

  let stopping: Promise<void> | undefined;
  return {
    address,
    port,
    metricsPort: operator.port,
    readiness,
    metrics,
    upstream,
    userSessions,
    shutdown(graceMs = config.shutdownGraceMs) {
      stopping ??= (async () => {
        stopKeeper();
        readiness.draining();
        logger.info({ graceMs }, 'shutting down: draining in-flight calls');
        const force = setTimeout(() => server.forceShutdown(), graceMs);
        try {
          await server.shutdown();
        } finally {
          clearTimeout(force);
          await Promise.all([upstream.close(), operator.close()]);
        }
        logger.info('shut down');
      })();
      return stopping;
    },
  };
}
