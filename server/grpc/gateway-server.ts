import { createServer } from 'nice-grpc';
import { errorDetailsServerMiddleware } from 'nice-grpc-error-details';
import { SessionServiceDefinition } from '../../gen/quickblox/v1/session_service';
import { UserServiceDefinition } from '../../gen/quickblox/v1/user_service';
import type { GatewayConfig } from '../config/gateway-config';
import type { Logger } from '../logging/logger';
import { createReadiness, type Readiness } from '../readiness';
import { createSessionService } from '../services/session-service';
import { createUserService } from '../services/user-service';
import { createUserSessionCache, type UserSessionCache } from '../sessions/user-session-cache';
import { createUpstream, type Upstream } from '../upstream/upstream-client';
import { callLogMiddleware } from './call-log-middleware';
import { internalErrorMiddleware } from './internal-error-middleware';
import { addReflection } from './reflection';

export interface Gateway {
  /** `host:port` the gRPC server listens on. */
  address: string;
  port: number;
  readiness: Readiness;
  upstream: Upstream;
  userSessions?: UserSessionCache;
  /** Stops taking calls, lets in-flight calls finish within the grace period, then cancels the rest. */
  shutdown(graceMs?: number): Promise<void>;
}

export interface GatewayOptions {
  logger: Logger;
  /** Local clock (tests). */
  now?: () => number;
  /** Create the application session at start (default true). */
  prewarm?: boolean;
}

/** The services the gateway serves, by full name. */
export const servedServices = [SessionServiceDefinition.fullName, UserServiceDefinition.fullName] as const;

/** Builds and starts the gateway: the gRPC server, its middleware and the upstream client. */
export async function startGateway(config: GatewayConfig, options: GatewayOptions): Promise<Gateway> {
  const { logger } = options;
  const readiness = createReadiness();
  readiness.onChange((state) => {
    if (state.ready) logger.info('ready: the upstream accepted the gateway credentials');
    else if (state.reason === 'misconfigured') logger.error({ detail: state.detail }, 'not ready: misconfigured');
  });
  const upstream = createUpstream({ config: config.upstream, readiness, now: options.now });
  const userSessions = config.reuseUserSessions ? createUserSessionCache({ now: options.now }) : undefined;

  // First attached runs first: the log line sees the final status.
  const server = createServer({ 'grpc.max_receive_message_length': 1024 * 1024 })
    .use(callLogMiddleware(logger))
    .use(errorDetailsServerMiddleware)
    .use(internalErrorMiddleware(logger));
  const deps = { upstream, userSessions };
  server.add(SessionServiceDefinition, createSessionService(deps));
  server.add(UserServiceDefinition, createUserService(deps));
  addReflection(server, [...servedServices, 'grpc.reflection.v1.ServerReflection', 'grpc.reflection.v1alpha.ServerReflection']);

  const port = await server.listen(`${config.grpc.host}:${config.grpc.port}`);
  const address = `${config.grpc.host.includes(':') ? `[${config.grpc.host}]` : config.grpc.host}:${port}`;
  logger.info({ address, upstream: config.upstream.endpoint, applicationId: config.upstream.applicationId }, 'gRPC server listening');

  // Create the application session now: the first caller does not wait for it and readiness reflects the credentials.
  if (options.prewarm !== false) upstream.applicationSession.token().catch((e: Error) => logger.warn({ error: e.message }, 'could not create the application session yet'));

  let stopping: Promise<void> | undefined;
  return {
    address,
    port,
    readiness,
    upstream,
    userSessions,
    shutdown(graceMs = config.shutdownGraceMs) {
      stopping ??= (async () => {
        readiness.draining();
        logger.info({ graceMs }, 'shutting down: draining in-flight calls');
        const force = setTimeout(() => server.forceShutdown(), graceMs);
        try {
          await server.shutdown();
        } finally {
          clearTimeout(force);
          await upstream.close();
        }
        logger.info('shut down');
      })();
      return stopping;
    },
  };
}
