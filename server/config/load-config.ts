import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { GatewayConfig } from './gateway-config';

/**
 * The environment variables the gateway reads, with their defaults: one table
 * that `--help`, the README and the validation below all follow.
 */
export const environmentVariables = [
  ['QB_APPLICATION_ID', 'QuickBlox application id (required)', undefined],
  ['QB_AUTH_KEY', 'application auth key (required)', undefined],
  ['QB_AUTH_SECRET', 'application auth secret (required; never logged)', undefined],
  ['QB_API_ENDPOINT', 'REST API origin', 'https://api.quickblox.com'],
  ['QB_API_KEY', 'server API key: writes without a user token, CreateUserToken (optional; never logged)', undefined],
  ['QB_API_CA_FILE', 'PEM file of extra certificate authorities to trust for the endpoint (optional)', undefined],
  ['QB_SIGNATURE_HASH', 'session request signature: sha1 or sha256', 'sha1'],
  ['QB_UPSTREAM_TIMEOUT_MS', 'longest one upstream request may take, in ms', '10000'],
  ['QB_UPSTREAM_CONNECTIONS', 'keep-alive connections to the upstream at most', '32'],
  ['QB_RATE_LIMIT', "requests per second the gateway sends upstream at most (the plan's limit: 80, 120, 160; 0: no limit)", '0'],
  ['QB_RATE_LIMIT_MAX_WAIT_MS', 'longest a request waits for the rate limit before RESOURCE_EXHAUSTED, in ms', '1000'],
  ['QB_REUSE_USER_SESSIONS', 'true: identical CreateSession calls of one caller share a live session', 'false'],
  ['GRPC_HOST', 'address the gRPC server binds', '0.0.0.0'],
  ['GRPC_PORT', 'gRPC port (0: any free port)', '50051'],
  ['GRPC_TLS_CERT_FILE', 'PEM certificate chain: serve gRPC over TLS (with GRPC_TLS_KEY_FILE)', undefined],
  ['GRPC_TLS_KEY_FILE', 'PEM private key of GRPC_TLS_CERT_FILE (never logged)', undefined],
  ['GRPC_TLS_CLIENT_CA_FILE', 'PEM CA: require client certificates it signed (mutual TLS)', undefined],
  ['METRICS_PORT', 'HTTP port of /metrics, /healthz, /readyz (0: any free port)', '9464'],
  ['SHUTDOWN_GRACE_MS', 'how long in-flight calls may finish after SIGTERM, in ms', '10000'],
  ['LOG_LEVEL', 'fatal, error, warn, info, debug, trace or silent', 'info'],
] as const satisfies readonly (readonly [string, string, string | undefined])[];

/** Raised when the environment cannot configure a gateway; each line names a variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const required = (what: string) => z.string({ error: `is required: ${what}` }).trim().min(1, `is required: ${what}`);
const integer = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
const port = integer(0, 65535);
const boolean = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { error: 'must be true or false' }))
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));
const origin = z
  .string()
  .trim()
  .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'must be an http(s) URL such as https://api.quickblox.com')
  .refine((v) => ['', '/'].includes(new URL(v).pathname), 'must be an origin without a path, e.g. https://api.quickblox.com')
  .transform((v) => new URL(v).origin);
const secretText = (what: string) =>
  required(what).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces (check for a stray quote or newline)');

const schema = z.object({
  QB_APPLICATION_ID: required('the numeric application id from the QuickBlox dashboard').pipe(integer(1, 2 ** 31 - 1)),
  QB_AUTH_KEY: secretText('the application auth key'),
  QB_AUTH_SECRET: secretText('the application auth secret'),
  QB_API_ENDPOINT: origin.default('https://api.quickblox.com'),
  QB_API_KEY: secretText('the server API key').optional(),
  QB_API_CA_FILE: z.string().trim().min(1).optional(),
  QB_SIGNATURE_HASH: z.enum(['sha1', 'sha256'], { error: 'must be sha1 or sha256' }).default('sha1'),
  QB_UPSTREAM_TIMEOUT_MS: integer(100, 600_000).default(10_000),
  QB_UPSTREAM_CONNECTIONS: integer(1, 4096).default(32),
  QB_RATE_LIMIT: integer(0, 100_000).default(0),
  QB_RATE_LIMIT_MAX_WAIT_MS: integer(0, 60_000).default(1000),
  QB_REUSE_USER_SESSIONS: boolean.default(false),
  GRPC_HOST: z.string().trim().min(1).default('0.0.0.0'),
  GRPC_PORT: port.default(50051),
  GRPC_TLS_CERT_FILE: z.string().trim().min(1).optional(),
  GRPC_TLS_KEY_FILE: z.string().trim().min(1).optional(),
  GRPC_TLS_CLIENT_CA_FILE: z.string().trim().min(1).optional(),
  METRICS_PORT: port.default(9464),
  SHUTDOWN_GRACE_MS: integer(0, 600_000).default(10_000),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
});

/**
 * Reads and validates the gateway's configuration. Empty variables count as
 * unset. Throws a ConfigError listing every problem at once, by variable name;
 * the values of secrets are never repeated in it.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const input: Record<string, string> = {};
  for (const [name] of environmentVariables) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') input[name] = value;
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${String(issue.path[0] ?? 'environment')} ${issue.message}`));
  }
  const v = parsed.data;
  const problems: string[] = [];
  const pem = (name: string, path: string | undefined): string | undefined => {
    if (!path) return undefined;
    try {
      return readFileSync(path, 'utf8');
    } catch (e) {
      problems.push(`${name} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      return undefined;
    }
  };
  const ca = pem('QB_API_CA_FILE', v.QB_API_CA_FILE);
  const cert = pem('GRPC_TLS_CERT_FILE', v.GRPC_TLS_CERT_FILE);
  const key = pem('GRPC_TLS_KEY_FILE', v.GRPC_TLS_KEY_FILE);
  const clientCa = pem('GRPC_TLS_CLIENT_CA_FILE', v.GRPC_TLS_CLIENT_CA_FILE);
  if (Boolean(v.GRPC_TLS_CERT_FILE) !== Boolean(v.GRPC_TLS_KEY_FILE)) problems.push('GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE go together: set both or neither');
  if (v.GRPC_TLS_CLIENT_CA_FILE && !v.GRPC_TLS_CERT_FILE) problems.push('GRPC_TLS_CLIENT_CA_FILE needs GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE');
  if (problems.length) throw new ConfigError(problems);
  return {
    upstream: {
      applicationId: v.QB_APPLICATION_ID,
      authKey: v.QB_AUTH_KEY,
      authSecret: v.QB_AUTH_SECRET,
      endpoint: v.QB_API_ENDPOINT,
      apiKey: v.QB_API_KEY,
      ca,
      signatureAlgorithm: v.QB_SIGNATURE_HASH,
      timeoutMs: v.QB_UPSTREAM_TIMEOUT_MS,
      connections: v.QB_UPSTREAM_CONNECTIONS,
      rateLimit: v.QB_RATE_LIMIT > 0 ? { perSecond: v.QB_RATE_LIMIT, maxWaitMs: v.QB_RATE_LIMIT_MAX_WAIT_MS } : undefined,
    },
    grpc: { host: v.GRPC_HOST, port: v.GRPC_PORT, tls: cert && key ? { cert, key, clientCa } : undefined },
    metricsPort: v.METRICS_PORT,
    reuseUserSessions: v.QB_REUSE_USER_SESSIONS,
    shutdownGraceMs: v.SHUTDOWN_GRACE_MS,
    logLevel: v.LOG_LEVEL,
  };
}
