// The gateway's public entry: what code outside server/ (the benchmarks, tools) may use.

export type { GatewayConfig } from './config/gateway-config';
export { ConfigError, environmentVariables, loadConfig } from './config/load-config';
export { type Gateway, type GatewayOptions, startGateway } from './grpc/gateway-server';
export { createLogger, type Logger } from './logging/logger';
export { createUserSessionCache } from './sessions/user-session-cache';
export { startTracing } from './tracing/tracing';
export { sign } from './upstream/signing';
