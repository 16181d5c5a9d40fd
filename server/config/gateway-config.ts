import type { CallerPolicy } from './caller-policy';
import type { UpstreamName } from './upstream-names';

/** Everything the gateway is configured with, validated and typed. */
export interface GatewayConfig {
  /** The applications behind the gateway (GATEWAY_APPLICATIONS_FILE; without it, one named `default` from the QB_ variables). */
  applications: readonly ApplicationConfig[];
  /** The application of a call that names none in its `qb-application` metadata. */
  defaultApplication: string;
  grpc: { host: string; port: number; tls?: GrpcTls; connections: ConnectionLimits };
  /** HTTP port for /metrics, /healthz and /readyz. */
  metricsPort: number;
  /** How long lookups go one by one after the application refused a list request, before merging is tried again. */
  listingRecheckMs: number;
  /** Share one live user session among identical CreateSession calls of the same caller. */
  reuseUserSessions: boolean;
  /** The memory reused user sessions may take (an estimate per entry, user-session-cache.ts); the least recently used go first. */
  reuseMaxBytes: number;
  /** How long in-flight calls may run on after SIGTERM/SIGINT. */
  shutdownGraceMs: number;
  logLevel: LogLevel;
  /** The Redis replicas share state through (`redis://` or `rediss://`) and the secret sealing what they keep there; unset: each replica keeps its own. */
  store?: { url: string; secret: string };
  /** Who may call and what each caller may do; unset: everyone is anonymous without owner powers. */
  policy?: CallerPolicy;
}

/** How the gRPC server treats client connections (grpc-js server options). */
export interface ConnectionLimits {
  maxConcurrentStreams: number;
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
  /** 0: connections never age out. */
  maxConnectionAgeMs: number;
  maxConnectionAgeGraceMs: number;
}

/** TLS of the gRPC server (PEM text); with `clientCa`, callers must present a certificate it signed (mutual TLS). */
export interface GrpcTls {
  cert: string;
  key: string;
  clientCa?: string;
}

/** One application: its name (the `qb-application` metadata, the `application` label) and the upstream account behind it. */
export interface ApplicationConfig {
  name: string;
  upstream: UpstreamConfig;
  /** How long lookups by id wait for others to share their upstream request; 0: no coalescing. */
  coalesceWindowMs: number;
}

export interface UpstreamConfig {
  /** Which API the gateway fronts. */
  name: UpstreamName;
  applicationId: number;
  authKey: string;
  /** Signs session requests: required by QuickBlox; optional (and then used) on ConnectyCube. */
  authSecret?: string;
  /** Origin of the REST API, e.g. `https://api.quickblox.com`. */
  endpoint: string;
  /** Server API key (`Authorization: ApiKey …`, QuickBlox only), for writes without a user token and for minting tokens. */
  apiKey?: string;
  /** Extra certificate authorities (PEM) to trust for the endpoint, e.g. a private CA. */
  ca?: string;
  signatureAlgorithm: SignatureAlgorithm;
  /** Longest a single upstream request may take, whatever the caller's deadline. */
  timeoutMs: number;
  /** Keep-alive connections to the upstream at most. */
  connections: number;
  /** The account's request budget, enforced here; unset: none. */
  rateLimit?: { perSecond: number; maxWaitMs: number };
  /** The circuit breaker; unset: none. */
  breaker?: { failures: number; openMs: number };
  /**
   * When reads of a caller with owner powers use the API key: `refused`, only
   * where the application refuses its session the read (a dashboard setting);
   * `always`, every read.
   */
  ownerReads: OwnerReads;
}

export type OwnerReads = 'refused' | 'always';

/** The HMAC of signed session requests. */
export type SignatureAlgorithm = 'sha1' | 'sha256';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
