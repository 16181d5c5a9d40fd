import { createServer, type Server } from 'nice-grpc';
import { errorDetailsServerMiddleware } from 'nice-grpc-error-details';
import { openTelemetryServerMiddleware } from 'nice-grpc-opentelemetry';
import { prometheusServerMiddleware } from 'nice-grpc-prometheus';
import { HealthDefinition } from '../../gen/index.grpc.health.v1';
import { SessionServiceDefinition, UserServiceDefinition } from '../../gen/index.quickblox.v1';
import { createHealthService } from '../health/health-service';
import type { Logger } from '../logging/logger';
import type { Readiness } from '../readiness';
import type { GatewayCallContext } from '../services/call-context';
import type { ServiceDeps } from '../services/service-deps';
import { createSessionService } from '../services/session-service';
import { createUserService } from '../services/user-service';
import { tracingStarted } from '../tracing/tracing';
import { callLogMiddleware } from './call-log-middleware';
import { internalErrorMiddleware } from './internal-error-middleware';
import { addReflection } from './reflection';
import { wellFormedTextMiddleware } from './well-formed-text-middleware';

/** The services the gateway serves, by full name. */
export const servedServices = [SessionServiceDefinition.fullName, UserServiceDefinition.fullName] as const;

/**
 * The gRPC server with its middleware and services: the one place the server
 * onion is composed. First attached runs first, so metrics, the server span
 * and the log line all see the final status.
 */
export function createGrpcServer(deps: ServiceDeps, readiness: Readiness, logger: Logger): Server<GatewayCallContext> {
  const measured = createServer({ 'grpc.max_receive_message_length': 1024 * 1024 }).use(prometheusServerMiddleware());
  const server = (tracingStarted() ? measured.use(openTelemetryServerMiddleware()) : measured)
    .use(callLogMiddleware(logger))
    .use(errorDetailsServerMiddleware)
    .use(internalErrorMiddleware(logger))
    .use(wellFormedTextMiddleware);
  server.add(SessionServiceDefinition, createSessionService(deps));
  server.add(UserServiceDefinition, createUserService(deps));
  server.add(HealthDefinition, createHealthService(readiness, servedServices));
  addReflection(server, [...servedServices, HealthDefinition.fullName, 'grpc.reflection.v1.ServerReflection', 'grpc.reflection.v1alpha.ServerReflection']);
  return server;
}
