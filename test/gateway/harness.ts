import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Channel, createChannel, createClientFactory, Metadata, Status } from 'nice-grpc';
import { deadlineMiddleware } from 'nice-grpc-client-middleware-deadline';
import { BadRequest, ErrorInfo, errorDetailsClientMiddleware, RetryInfo, RichClientError } from 'nice-grpc-error-details';
import type { ApplicationConfig, EmulatorConfig } from '../../emulator/config';
import { type Emulator, startEmulator } from '../../emulator/server';
import { SessionServiceDefinition } from '../../gen/quickblox/v1/session_service';
import { UserServiceDefinition } from '../../gen/quickblox/v1/user_service';
import { loadConfig } from '../../server/config/load-config';
import { type Gateway, startGateway } from '../../server/grpc/gateway-server';
import { createLogger } from '../../server/logging/logger';

/** The application the gateway tests run against: the credentials of docs/quickblox-rest.md §3.4 and two users. */
export const app: ApplicationConfig = {
  id: 12345,
  authKey: 'AbCdEfGh12345',
  authSecret: 'S3cr3tS3cr3tXYZ',
  apiKey: 'test-api-key-9f8e7d',
  accountKey: 'test-account-key',
  blobIds: [7],
  users: [
    { login: 'alice', email: 'alice@example.com', password: 'alicePass1!', full_name: 'Alice Smith', tags: ['web', 'vip'], external_user_id: 1001 },
    { login: 'bob', email: 'bob@example.com', password: 'bobPass123', full_name: 'Bob Brown', tags: ['android'], phone: '+15550100', facebook_id: '8887366' },
  ],
};

/** Bearer keys of the tests' caller policy: the owner (every method, owner powers) and two services (every method, no owner powers). */
export const callerKeys = { owner: 'test-owner-key-0123456789', serviceA: 'test-service-a-key-0123', serviceB: 'test-service-b-key-0123' } as const;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The policy the tests run under unless they say otherwise: the harness's clients call as `test-owner`. */
export const testPolicy = {
  callers: [
    { name: 'test-owner', bearerKeySha256: sha256(callerKeys.owner), methods: ['*'], ownerPowers: true },
    { name: 'service-a', bearerKeySha256: sha256(callerKeys.serviceA), methods: ['*'] },
    { name: 'service-b', bearerKeySha256: sha256(callerKeys.serviceB), methods: ['*'] },
  ],
};

/** Writes a policy file (JSON) in a fresh temporary folder, with any extra files beside it; returns its path. */
export function writePolicy(policy: unknown, extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'qb-gateway-policy-'));
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), text);
  const file = join(dir, 'policy.json');
  writeFileSync(file, JSON.stringify(policy));
  return file;
}

/** The upstreams the integration suites run against, each in turn. */
export const upstreams = ['quickblox', 'connectycube'] as const;
export type UpstreamName = (typeof upstreams)[number];

/** A QuickBlox route template as `upstream` names it: ConnectyCube's have no `.json`. */
export function routeOf(upstream: UpstreamName, quickbloxRoute: string): string {
  return upstream === 'connectycube' ? quickbloxRoute.replace(/\.json$/, '') : quickbloxRoute;
}

export interface StackOptions {
  /** An emulator to use rather than start (another replica's); it is left running on close. */
  sharedEmulator?: Emulator;
  /** Which upstream the emulator plays and the gateway fronts (default quickblox). */
  upstream?: UpstreamName;
  emulator?: Partial<EmulatorConfig>;
  /** Extra environment for the gateway's configuration. */
  env?: NodeJS.ProcessEnv;
  /** Leave the API key out of the gateway's configuration. */
  withoutApiKey?: boolean;
  prewarm?: boolean;
  /** Talk to the emulator over HTTPS, trusting its certificate through QB_API_CA_FILE. */
  https?: boolean;
  /** The caller policy (default `testPolicy`, the clients calling as its owner); false: none, every call anonymous. */
  policy?: unknown;
}

export interface Stack {
  emulator: Emulator;
  gateway: Gateway;
  channel: Channel;
  sessions: ReturnType<typeof makeClients>['sessions'];
  users: ReturnType<typeof makeClients>['users'];
  /** Every log line the gateway wrote. */
  logs: string[];
  /** The id of a seeded user. */
  idOf(login: string): bigint;
  close(): Promise<void>;
}

function makeClients(channel: Channel, authorization: string | undefined) {
  // First attached runs last: the deadline covers the whole call.
  const factory = createClientFactory()
    .use(errorDetailsClientMiddleware)
    .use(async function* asCaller(call, options) {
      const metadata = Metadata(options.metadata);
      if (authorization && !metadata.has('authorization')) metadata.set('authorization', authorization);
      return yield* call.next(call.request, { ...options, metadata });
    })
    .use(deadlineMiddleware);
  return { sessions: factory.create(SessionServiceDefinition, channel), users: factory.create(UserServiceDefinition, channel) };
}

/** The emulator and a gateway in front of it, both on loopback ports picked by the system, plus clients. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const cube = options.upstream === 'connectycube';
  const emulator =
    options.sharedEmulator ??
    (await startEmulator({
      flavour: options.upstream ?? 'quickblox',
      applications: [structuredClone(app)],
      host: '127.0.0.1',
      port: 0,
      ...(options.https ? { httpsPort: 0 } : {}),
      // Every request the gateway sends must be well-formed: the emulator refuses and records any that is not.
      strictRequests: true,
      ...options.emulator,
    }));
  let tls: NodeJS.ProcessEnv = {};
  if (options.https) {
    const caFile = join(mkdtempSync(join(tmpdir(), 'qb-gateway-ca-')), 'emulator.pem');
    writeFileSync(caFile, emulator.cert!);
    tls = { QB_API_ENDPOINT: emulator.httpsUrl, QB_API_CA_FILE: caFile };
  }
  const config = loadConfig({
    QB_UPSTREAM: options.upstream,
    QB_APPLICATION_ID: String(app.id),
    QB_AUTH_KEY: app.authKey,
    // ConnectyCube: unsigned session requests, and no API key there.
    QB_AUTH_SECRET: cube ? undefined : app.authSecret,
    QB_API_KEY: options.withoutApiKey || cube ? undefined : app.apiKey,
    QB_API_ENDPOINT: emulator.url,
    GRPC_HOST: '127.0.0.1',
    GRPC_PORT: '0',
    METRICS_PORT: '0',
    LOG_LEVEL: 'trace',
    SHUTDOWN_GRACE_MS: '1000',
    GATEWAY_POLICY_FILE: options.policy === false ? undefined : writePolicy(options.policy ?? testPolicy),
    ...tls,
    ...options.env,
  });
  const logs: string[] = [];
  const logger = createLogger(config.logLevel, { write: (line: string) => void logs.push(line) });
  const gateway = await startGateway(config, { logger, prewarm: options.prewarm ?? false });
  const channel = createChannel(`127.0.0.1:${gateway.port}`);
  const { sessions, users } = makeClients(channel, options.policy === undefined ? `Bearer ${callerKeys.owner}` : undefined);
  const appState = emulator.state.apps.get(app.id)!;
  return {
    emulator,
    gateway,
    channel,
    sessions,
    users,
    logs,
    idOf: (login) => BigInt(appState.users.find('login', login)!.id),
    async close() {
      channel.close();
      await gateway.shutdown(0);
      if (options.sharedEmulator) return;
      await emulator.close();
      if (emulator.state.malformed.length) throw new Error(`the gateway sent malformed requests: ${JSON.stringify(emulator.state.malformed)}`);
    },
  };
}

/** A CreateSession request for a user session by login and password. */
export function loginRequest(login: string, password: string) {
  return { subject: { $case: 'user' as const, value: { method: { $case: 'loginPassword' as const, value: { login, password } } } } };
}

/** Call options carrying a session token in `qb-token`. */
export function withToken(token: string, extra: Record<string, string> = {}): { metadata: Metadata } {
  return { metadata: Metadata({ 'qb-token': token, ...extra }) };
}

export interface ExpectedError {
  code: Status;
  reason: string;
  /** Field paths of the BadRequest violations, in order. */
  fields?: string[];
}

/** Awaits a rejection and checks its status, ErrorInfo reason and BadRequest fields; returns the error. */
export async function expectError(promise: Promise<unknown>, expected: ExpectedError): Promise<RichClientError> {
  let error: unknown;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  if (!(error instanceof RichClientError)) throw new Error(`expected a RichClientError with ${Status[expected.code]}, got ${String(error)}`);
  const info = error.extra.find((d): d is ErrorInfo => d.$type === ErrorInfo.$type);
  expect({ code: Status[error.code], reason: info?.reason, domain: info?.domain }).toEqual({
    code: Status[expected.code],
    reason: expected.reason,
    domain: 'quickblox.com',
  });
  if (expected.fields) expect(violationsOf(error).map((v) => v.field)).toEqual(expected.fields);
  return error;
}

export function violationsOf(error: RichClientError): { field: string; description: string }[] {
  return error.extra.find((d): d is BadRequest => d.$type === BadRequest.$type)?.fieldViolations ?? [];
}

export function errorInfoOf(error: RichClientError): ErrorInfo | undefined {
  return error.extra.find((d): d is ErrorInfo => d.$type === ErrorInfo.$type);
}

export function retryInfoOf(error: RichClientError): RetryInfo | undefined {
  return error.extra.find((d): d is RetryInfo => d.$type === RetryInfo.$type);
}
