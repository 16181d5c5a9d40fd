import { createServer, type Metadata, type Server } from 'nice-grpc';
import { errorDetailsServerMiddleware } from 'nice-grpc-error-details';
import { openTelemetryServerMiddleware } from 'nice-grpc-opentelemetry';
import { prometheusServerMiddleware } from 'nice-grpc-prometheus';
import { HealthDefinition } from '../../gen/index.grpc.health.v1';
import { SessionServiceDefinition, UserServiceDefinition } from '../../gen/index.quickblox.v1';
import type { CallerGate } from '../callers/caller-gate';
import type { ConnectionLimits } from '../config/gateway-config';
import { createHealthService } from '../health/health-service';
import type { Logger } from '../logging/logger';
import type { Readiness } from '../readiness';
import type { GatewayCallContext } from '../services/call-context';
import type { ServiceDeps } from '../services/service-deps';
import { createSessionService } from '../services/session-service';
import { createUserService } from '../services/user-service';
import { tracingStarted } from '../tracing/tracing';
import { type CallObserver, callLogMiddleware } from './call-log-middleware';
import { callerMiddleware } from './caller-middleware';
import type { InFlightCalls } from './in-flight-calls';
import { internalErrorMiddleware } from './internal-error-middleware';
import { peerCertificateInterceptor } from './peer-certificate-interceptor';
import { addReflection } from './reflection';
import { routeByApplication } from './route-by-application';
import { wellFormedTextMiddleware } from './well-formed-text-middleware';

/** The services the gateway serves, by full name. */
export const servedServices = [SessionServiceDefinition.fullName, UserServiceDefinition.fullName] as const;

export interface GrpcServerParts {
  /** What the services of each application share, by the application's name. */
  applications: ReadonlyMap<string, ServiceDeps>;
  /** Each application's readiness, for its health service name. */
  applicationReadiness: ReadonlyMap<string, Readiness>;
  /** The application a call names (callers/application-choice.ts). */
  chooseApplication: (metadata: Metadata) => string;
  readiness: Readiness;
  logger: Logger;
  /** Who is calling and whether it may (callers/caller-gate.ts). */
  gate: CallerGate;
  /** Pass client certificates' names on to the gate (a caller policy is configured). */
  certificateIdentities: boolean;
  onCall?: CallObserver;
  connections: ConnectionLimits;
  /** Ends the calls still in flight when the shutdown grace is over. */
  inFlight: InFlightCalls;
}

/**
 * The gRPC server with its middleware and services: the one place the server
 * onion is composed. First attached runs first, so metrics, the server span
 * and the log line all see the final status.
 */
export function createGrpcServer(parts: GrpcServerParts): Server<GatewayCallContext> {
  const { applications, readiness, logger } = parts;
  const { connections } = parts;
  const measured = createServer({
    'grpc.max_receive_message_length': 1024 * 1024,
    // Nothing serves channelz here; its per-call bookkeeping (timestamps, counters) is cost without a reader.
    'grpc.enable_channelz': 0,
    'grpc.max_concurrent_streams': connections.maxConcurrentStreams,
    'grpc.keepalive_time_ms': connections.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': connections.keepaliveTimeoutMs,
    ...(connections.maxConnectionAgeMs > 0
      ? { 'grpc.max_connection_age_ms': connections.maxConnectionAgeMs, 'grpc.max_connection_age_grace_ms': connections.maxConnectionAgeGraceMs }
      : {}),
    // Only with a caller policy do client certificates name callers; then no caller may claim one by metadata.
    ...(parts.certificateIdentities ? { interceptors: [peerCertificateInterceptor] } : {}),
  }).use(prometheusServerMiddleware());
  const server = (tracingStarted() ? measured.use(openTelemetryServerMiddleware()) : measured)
    .use(callLogMiddleware(logger, parts.onCall))
    .use(errorDetailsServerMiddleware)
    .use(parts.inFlight.middleware)
    .use(callerMiddleware(parts.gate, parts.chooseApplication))
    .use(internalErrorMiddleware(logger))
    .use(wellFormedTextMiddleware);
  const each = <S extends object>(create: (deps: ServiceDeps) => S): S =>
    routeByApplication(new Map([...applications].map(([name, deps]): [string, S] => [name, create(deps)])));
  server.add(SessionServiceDefinition, each(createSessionService));
  server.add(UserServiceDefinition, each(createUserService));
  server.add(HealthDefinition, createHealthService(readiness, servedServices, parts.applicationReadiness));
  addReflection(server, [...servedServices, HealthDefinition.fullName, 'grpc.reflection.v1.ServerReflection', 'grpc.reflection.v1alpha.ServerReflection']);
  return server;
}
