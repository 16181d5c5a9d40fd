import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Channel, createChannel, createClientFactory, Metadata } from 'nice-grpc';
import { errorDetailsClientMiddleware } from 'nice-grpc-error-details';
import type { ApplicationConfig } from '../../emulator/config';
import { type Emulator, startEmulator } from '../../emulator/server';
import { SessionServiceDefinition } from '../../gen/quickblox/v1/session_service';
import { UserServiceDefinition } from '../../gen/quickblox/v1/user_service';
import { loadConfig } from '../../server/config/load-config';
import { type Gateway, startGateway } from '../../server/grpc/gateway-server';
import { createLogger } from '../../server/logging/logger';
import { writePolicy } from './harness';

/** One application of the gateway under test: its name, its upstream, the emulator's application, and lines of its own for the file. */
export interface TestApplication {
  name: string;
  upstream: 'quickblox' | 'connectycube';
  app: ApplicationConfig;
  /** Extra `key: value` entries of its item in GATEWAY_APPLICATIONS_FILE (overrides). */
  extra?: Record<string, string | number>;
}

export interface ApplicationsStack {
  gateway: Gateway;
  channel: Channel;
  /** Each application's own emulator, by name. */
  emulators: Record<string, Emulator>;
  users: ReturnType<typeof clients>['users'];
  sessions: ReturnType<typeof clients>['sessions'];
  close(): Promise<void>;
}

function clients(channel: Channel) {
  const factory = createClientFactory().use(errorDetailsClientMiddleware);
  return { users: factory.create(UserServiceDefinition, channel), sessions: factory.create(SessionServiceDefinition, channel) };
}

/** Metadata of a call as `key`'s caller, for `application` (none: the default). */
export function as(key: string, application?: string): Metadata {
  return Metadata({ authorization: `Bearer ${key}`, ...(application === undefined ? {} : { 'qb-application': application }) });
}

/**
 * A gateway serving `applications` (the first the default), each in front of
 * an emulator of its own, through GATEWAY_APPLICATIONS_FILE, under `policy`.
 */
export async function startApplicationsStack(
  applications: readonly TestApplication[],
  policy: unknown,
  env: NodeJS.ProcessEnv = {},
): Promise<ApplicationsStack> {
  const emulators: Record<string, Emulator> = {};
  for (const { name, upstream, app } of applications) {
    emulators[name] = await startEmulator({ flavour: upstream, applications: [structuredClone(app)], host: '127.0.0.1', port: 0, strictRequests: true });
  }
  const items = applications.map(({ name, upstream, app, extra }) => ({
    name,
    upstream,
    applicationId: app.id,
    authKey: app.authKey,
    ...(upstream === 'quickblox' ? { authSecret: app.authSecret, apiKey: app.apiKey } : {}),
    endpoint: emulators[name]?.url,
    ...extra,
  }));
  const file = join(mkdtempSync(join(tmpdir(), 'qb-gateway-apps-')), 'applications.json');
  writeFileSync(file, JSON.stringify({ default: applications[0]?.name, applications: items }));
  const config = loadConfig({
    GATEWAY_APPLICATIONS_FILE: file,
    GRPC_HOST: '127.0.0.1',
    GRPC_PORT: '0',
    METRICS_PORT: '0',
    LOG_LEVEL: 'silent',
    GATEWAY_POLICY_FILE: writePolicy(policy),
    ...env,
  });
  const gateway = await startGateway(config, { logger: createLogger('silent'), prewarm: false });
  const channel = createChannel(`127.0.0.1:${gateway.port}`);
  return {
    gateway,
    channel,
    emulators,
    ...clients(channel),
    async close() {
      channel.close();
      await gateway.shutdown(0);
      await Promise.all(Object.values(emulators).map((e) => e.close()));
    },
  };
}
