import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { GatewayConfig, UpstreamConfig } from './gateway-config';
import { loadApplications } from './load-applications';
import { loadPolicy } from './load-policy';
import { secretText } from './secret-text';
import { type UpstreamFacts, type UpstreamName, upstreamFacts, upstreamNames } from './upstream-names';

/** Raised when the environment cannot configure a gateway; each line names a variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const required = (what: string) =>
  z
    .string({ error: `is required: ${what}` })
    .trim()
    .min(1, `is required: ${what}`);
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
  // abort: the checks after it parse the URL, which throws on what this one refused.
  .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), { error: 'must be an http(s) URL such as https://api.quickblox.com', abort: true })
  .refine((v) => ['', '/'].includes(new URL(v).pathname), 'must be an origin without a path, e.g. https://api.quickblox.com')
  .transform((v) => new URL(v).origin);
const path = z.string().trim().min(1).optional();
const secretVariable = (what: string) => required(what).pipe(secretText);

/** One environment variable: what `--help` and the README say of it, its default, and how it is read. */
interface Variable {
  description: string;
  /** The value an unset variable takes, as it would be written in the environment. */
  default?: string;
  schema: z.ZodType<unknown, string | undefined>;
}

/**
 * Every environment variable the gateway reads, written once: `--help` prints
 * this table, a test holds the README's table to it, and `loadConfig` applies
 * these defaults before it validates.
 */
export const variables = {
  QB_UPSTREAM: {
    description: 'the API in front of which the gateway runs: quickblox or connectycube',
    default: 'quickblox',
    schema: z.enum(upstreamNames, { error: `must be ${upstreamNames.join(' or ')}` }),
  },
  QB_APPLICATION_ID: {
    description: 'application id (required without GATEWAY_APPLICATIONS_FILE)',
    schema: required('the numeric application id from the dashboard').pipe(integer(1, 2 ** 31 - 1)),
  },
  QB_AUTH_KEY: { description: 'application auth key (required without GATEWAY_APPLICATIONS_FILE)', schema: secretVariable('the application auth key') },
  QB_AUTH_SECRET: {
    description: 'application auth secret: required for QuickBlox; optional for ConnectyCube, which then gets signed session requests (never logged)',
    schema: secretVariable('the application auth secret').optional(),
  },
  QB_API_ENDPOINT: {
    description: `REST API origin (default ${upstreamFacts.quickblox.defaultEndpoint}, or ${upstreamFacts.connectycube.defaultEndpoint} for connectycube)`,
    schema: origin.optional(),
  },
  QB_API_KEY: {
    description: 'QuickBlox server API key: writes without a user token, CreateUserToken (optional; never logged)',
    schema: secretVariable('the server API key').optional(),
  },
  QB_API_CA_FILE: { description: 'PEM file of extra certificate authorities to trust for the endpoint (optional)', schema: path },
  QB_SIGNATURE_HASH: {
    description: 'session request signature: sha1 or sha256',
    default: 'sha1',
    schema: z.enum(['sha1', 'sha256'], { error: 'must be sha1 or sha256' }),
  },
  QB_OWNER_READS: {
    description:
      'when reads (GetUser, GetUsers, FindUser, ListUsers) of a caller with owner powers use the API key: refused (only where the application refuses its session the read, e.g. listing users turned off) or always',
    default: 'refused',
    schema: z.enum(['refused', 'always'], { error: 'must be refused or always' }),
  },
  QB_UPSTREAM_TIMEOUT_MS: { description: 'longest one upstream request may take, in ms', default: '10000', schema: integer(100, 600_000) },
  QB_UPSTREAM_CONNECTIONS: { description: 'keep-alive connections to the upstream at most', default: '32', schema: integer(1, 4096) },
  QB_RATE_LIMIT: {
    description: "requests the gateway starts upstream in any one-second window at most (the plan's limit: 80, 120, 160; 0: no limit)",
    default: '0',
    schema: integer(0, 100_000),
  },
  QB_RATE_LIMIT_MAX_WAIT_MS: {
    description: 'longest a request waits for the rate limit before RESOURCE_EXHAUSTED, in ms',
    default: '1000',
    schema: integer(0, 60_000),
  },
  QB_BREAKER_FAILURES: {
    description: 'upstream failures in a row (no answer, a timeout, a 5xx) that open the circuit breaker (0: no breaker)',
    default: '5',
    schema: integer(0, 1000),
  },
  QB_BREAKER_OPEN_MS: {
    description: 'how long the open circuit breaker fails calls at once before it lets one probe through, in ms',
    default: '5000',
    schema: integer(100, 600_000),
  },
  QB_COALESCE_WINDOW_MS: {
    description:
      'how long a GetUser, GetUsers or FindUser (login, email, phone) waits for others with the same credential to share one upstream request, in ms (0: no coalescing)',
    default: '2',
    schema: integer(0, 1000),
  },
  QB_LISTING_RECHECK_MS: {
    description:
      'after the application refused to list users (its setting "Allow to retrieve a list of users via API"), how long lookups go one by one before a merged one is tried again, in ms',
    default: '300000',
    schema: integer(100, 86_400_000),
  },
  QB_REUSE_USER_SESSIONS: { description: 'true: identical CreateSession calls of one caller share a live session', default: 'false', schema: boolean },
  QB_REUSE_MAX_BYTES: {
    description:
      'with QB_REUSE_USER_SESSIONS, the memory the reused sessions may take, in bytes (about 1.8 KB each); the least recently used are evicted first',
    default: String(64 * 2 ** 20),
    schema: integer(64 * 1024, 2 ** 40),
  },
  REDIS_URL: {
    description:
      'Redis the replicas share the application session, reused user sessions, the upstream budget and nonce tags through: redis://host:6379 or rediss:// (unset: each replica on its own)',
    schema: z
      .string()
      .trim()
      .refine((v) => URL.canParse(v) && /^rediss?:$/.test(new URL(v).protocol), 'must be a redis:// or rediss:// URL')
      .optional(),
  },
  REDIS_ENCRYPTION_KEY: {
    description: 'with REDIS_URL, required: a secret of 32 characters or more, the same on every replica, that seals the tokens kept in Redis (never logged)',
    schema: z.string().trim().min(32, 'must be at least 32 characters, e.g. the output of `openssl rand -base64 32`').optional(),
  },
  GATEWAY_APPLICATIONS_FILE: {
    description:
      'YAML or JSON list of the applications behind the gateway, each with its upstream and credentials, and the default one (unset: the QB_ variables describe one application, named default)',
    schema: path,
  },
  GATEWAY_POLICY_FILE: {
    description: 'YAML or JSON caller policy: who may call, which methods, owner powers, quotas (unset: all anonymous, no owner powers)',
    schema: path,
  },
  GRPC_HOST: { description: 'address the gRPC server binds', default: '0.0.0.0', schema: z.string().trim().min(1) },
  GRPC_PORT: { description: 'gRPC port (0: any free port)', default: '50051', schema: port },
  GRPC_MAX_CONCURRENT_STREAMS: { description: 'calls in flight on one client connection at most', default: '100', schema: integer(1, 100_000) },
  GRPC_KEEPALIVE_TIME_MS: {
    description: 'ping a client connection after this long without activity, in ms',
    default: '7200000',
    schema: integer(1000, 2_147_483_647),
  },
  GRPC_KEEPALIVE_TIMEOUT_MS: {
    description: 'close the connection when a ping is not answered within this, in ms',
    default: '20000',
    schema: integer(100, 600_000),
  },
  GRPC_MAX_CONNECTION_AGE_MS: {
    description: 'ask clients to reconnect after this long, so load spreads over replicas, in ms (0: never)',
    default: '1800000',
    schema: integer(0, 2_147_483_647),
  },
  GRPC_MAX_CONNECTION_AGE_GRACE_MS: {
    description: 'how long calls in flight may finish on a connection past its age, in ms',
    default: '30000',
    schema: integer(0, 2_147_483_647),
  },
  GRPC_TLS_CERT_FILE: { description: 'PEM certificate chain: serve gRPC over TLS (with GRPC_TLS_KEY_FILE)', schema: path },
  GRPC_TLS_KEY_FILE: { description: 'PEM private key of GRPC_TLS_CERT_FILE (never logged)', schema: path },
  GRPC_TLS_CLIENT_CA_FILE: { description: 'PEM CA: require client certificates it signed (mutual TLS)', schema: path },
  METRICS_PORT: { description: 'HTTP port of /metrics, /healthz, /readyz (0: any free port)', default: '9464', schema: port },
  SHUTDOWN_GRACE_MS: { description: 'how long in-flight calls may finish after SIGTERM, in ms', default: '10000', schema: integer(0, 600_000) },
  LOG_LEVEL: {
    description: 'fatal, error, warn, info, debug, trace or silent',
    default: 'info',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'must be one of fatal, error, warn, info, debug, trace, silent' }),
  },
} satisfies Record<string, Variable>;

type Variables = typeof variables;

/** The variables as `[name, description, default]` rows, in the table's order. */
export const environmentVariables: readonly (readonly [string, string, string | undefined])[] = Object.entries(variables).map(
  ([name, v]: [string, Variable]) => [name, v.description, v.default],
);

const schema = z.object(
  Object.fromEntries(Object.entries(variables).map(([name, v]) => [name, v.schema])) as { [K in keyof Variables]: Variables[K]['schema'] },
);

/**
 * Reads and validates the gateway's configuration. Empty variables count as
 * unset. Throws a ConfigError listing every problem at once, by variable name;
 * the values of secrets are never repeated in it.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const input: Record<string, string> = {};
  for (const [name, , fallback] of environmentVariables) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') input[name] = value;
    else if (fallback !== undefined) input[name] = fallback;
  }
  const fromFile = input.GATEWAY_APPLICATIONS_FILE !== undefined;
  // With the file, the application variables describe nothing: the file holds every application.
  const parsed = (fromFile ? schema.partial({ QB_APPLICATION_ID: true, QB_AUTH_KEY: true }) : schema).safeParse(input);
  const early = fromFile ? applicationVariablesSet(env) : missingSecret(input);
  if (!parsed.success) {
    throw new ConfigError([...parsed.error.issues.map((issue) => `${String(issue.path[0] ?? 'environment')} ${issue.message}`), ...early]);
  }
  const v = parsed.data as z.infer<typeof schema>;
  const problems: string[] = [...early];
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
  if (Boolean(v.GRPC_TLS_CERT_FILE) !== Boolean(v.GRPC_TLS_KEY_FILE))
    problems.push('GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE go together: set both or neither');
  if (v.GRPC_TLS_CLIENT_CA_FILE && !v.GRPC_TLS_CERT_FILE) problems.push('GRPC_TLS_CLIENT_CA_FILE needs GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE');
  if (v.REDIS_URL && !v.REDIS_ENCRYPTION_KEY)
    problems.push(
      'REDIS_ENCRYPTION_KEY is required with REDIS_URL: the secret that seals the tokens the replicas keep in Redis (e.g. `openssl rand -base64 32`)',
    );
  const apps = applicationsOf(v, ca, problems);
  const policy = v.GATEWAY_POLICY_FILE
    ? loadPolicy(
        v.GATEWAY_POLICY_FILE,
        apps?.applications.map((a) => a.name),
      )
    : undefined;
  if (policy && 'problems' in policy) problems.push(...policy.problems);
  if (problems.length || !apps) throw new ConfigError(problems);
  return {
    ...apps,
    grpc: {
      host: v.GRPC_HOST,
      port: v.GRPC_PORT,
      tls: cert && key ? { cert, key, clientCa } : undefined,
      connections: {
        maxConcurrentStreams: v.GRPC_MAX_CONCURRENT_STREAMS,
        keepaliveTimeMs: v.GRPC_KEEPALIVE_TIME_MS,
        keepaliveTimeoutMs: v.GRPC_KEEPALIVE_TIMEOUT_MS,
        maxConnectionAgeMs: v.GRPC_MAX_CONNECTION_AGE_MS,
        maxConnectionAgeGraceMs: v.GRPC_MAX_CONNECTION_AGE_GRACE_MS,
      },
    },
    metricsPort: v.METRICS_PORT,
    listingRecheckMs: v.QB_LISTING_RECHECK_MS,
    reuseUserSessions: v.QB_REUSE_USER_SESSIONS,
    reuseMaxBytes: v.QB_REUSE_MAX_BYTES,
    shutdownGraceMs: v.SHUTDOWN_GRACE_MS,
    logLevel: v.LOG_LEVEL,
    store: v.REDIS_URL && v.REDIS_ENCRYPTION_KEY ? { url: v.REDIS_URL, secret: v.REDIS_ENCRYPTION_KEY } : undefined,
    policy: policy && !('problems' in policy) ? policy : undefined,
  };
}

/** The variables that describe the one application of a gateway without GATEWAY_APPLICATIONS_FILE. */
export const applicationVariables = [
  'QB_UPSTREAM',
  'QB_APPLICATION_ID',
  'QB_AUTH_KEY',
  'QB_AUTH_SECRET',
  'QB_API_KEY',
  'QB_API_ENDPOINT',
  'QB_API_CA_FILE',
] as const;

function applicationVariablesSet(env: NodeJS.ProcessEnv): string[] {
  const set = applicationVariables.filter((name) => env[name]?.trim());
  return set.length
    ? [
        `${set.join(', ')} ${set.length > 1 ? 'are' : 'is'} set with GATEWAY_APPLICATIONS_FILE, which describes every application: move ${set.length > 1 ? 'them' : 'it'} into the file`,
      ]
    : [];
}

/** Before validation (its defaults applied): an unknown QB_UPSTREAM is the schema's to report. */
function missingSecret(input: Record<string, string>): string[] {
  const named = upstreamFacts[input.QB_UPSTREAM as UpstreamName] as UpstreamFacts | undefined;
  return named?.authSecret === 'required' && input.QB_AUTH_SECRET === undefined
    ? [`QB_AUTH_SECRET is required: the application auth secret (${named.title} signs every session request)`]
    : [];
}

/** The applications: the file's, or one named `default` from the variables. */
function applicationsOf(
  v: z.infer<typeof schema>,
  ca: string | undefined,
  problems: string[],
): Pick<GatewayConfig, 'applications' | 'defaultApplication'> | undefined {
  if (!v.GATEWAY_APPLICATIONS_FILE) {
    const facts = upstreamFacts[v.QB_UPSTREAM];
    if (!facts.apiKey && v.QB_API_KEY)
      problems.push(`QB_API_KEY does not apply to QB_UPSTREAM=${v.QB_UPSTREAM}: ${facts.title} has no server API key; unset it`);
    return { applications: [{ name: 'default', upstream: upstreamConfig(v, ca), coalesceWindowMs: v.QB_COALESCE_WINDOW_MS }], defaultApplication: 'default' };
  }
  const loaded = loadApplications(v.GATEWAY_APPLICATIONS_FILE, {
    signatureAlgorithm: v.QB_SIGNATURE_HASH,
    timeoutMs: v.QB_UPSTREAM_TIMEOUT_MS,
    connections: v.QB_UPSTREAM_CONNECTIONS,
    rateLimit: v.QB_RATE_LIMIT,
    rateLimitMaxWaitMs: v.QB_RATE_LIMIT_MAX_WAIT_MS,
    breaker: { failures: v.QB_BREAKER_FAILURES, openMs: v.QB_BREAKER_OPEN_MS },
    coalesceWindowMs: v.QB_COALESCE_WINDOW_MS,
    ownerReads: v.QB_OWNER_READS,
  });
  if ('problems' in loaded) {
    problems.push(...loaded.problems);
    return undefined;
  }
  return loaded;
}

/** The upstream part of the configuration, from the validated variables. */
function upstreamConfig(v: z.infer<typeof schema>, ca: string | undefined): UpstreamConfig {
  return {
    name: v.QB_UPSTREAM,
    applicationId: v.QB_APPLICATION_ID,
    authKey: v.QB_AUTH_KEY,
    authSecret: v.QB_AUTH_SECRET,
    endpoint: v.QB_API_ENDPOINT ?? upstreamFacts[v.QB_UPSTREAM].defaultEndpoint,
    apiKey: v.QB_API_KEY,
    ca,
    signatureAlgorithm: v.QB_SIGNATURE_HASH,
    timeoutMs: v.QB_UPSTREAM_TIMEOUT_MS,
    connections: v.QB_UPSTREAM_CONNECTIONS,
    rateLimit: v.QB_RATE_LIMIT > 0 ? { perSecond: v.QB_RATE_LIMIT, maxWaitMs: v.QB_RATE_LIMIT_MAX_WAIT_MS } : undefined,
    breaker: v.QB_BREAKER_FAILURES > 0 ? { failures: v.QB_BREAKER_FAILURES, openMs: v.QB_BREAKER_OPEN_MS } : undefined,
    ownerReads: v.QB_OWNER_READS,
  };
}
