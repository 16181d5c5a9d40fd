import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type UpstreamName, upstreamFacts } from '../config/upstream-names';

/** The demo caller's bearer key: printed in the banner, good only for the embedded emulator's demo. */
export const demoCallerKey = 'qb-dev-demo-key';

/**
 * The caller policy `npm run dev` uses with the embedded emulator (unless
 * GATEWAY_POLICY_FILE names another): anonymous callers may call every method
 * without owner powers; the `demo` caller, with the demo bearer key, holds
 * them. Written to a temporary file; returns its path.
 */
export function writeDemoPolicy(): string {
  const policy = {
    anonymous: { methods: ['*'], ownerPowers: false },
    callers: [{ name: 'demo', bearerKeySha256: createHash('sha256').update(demoCallerKey).digest('hex'), methods: ['*'], ownerPowers: true }],
  };
  const file = join(mkdtempSync(join(tmpdir(), 'qb-gateway-dev-')), 'demo-policy.json');
  writeFileSync(file, `${JSON.stringify(policy, null, 2)}\n`);
  return file;
}

/** One embedded emulator the demo serves, as an application of the gateway named after its upstream. */
export interface DemoEmulator {
  upstream: UpstreamName;
  url: string;
  /** The demo user alice's id there. */
  aliceId: number;
}

/**
 * The applications file `npm run dev` writes for its emulators: one
 * application per upstream, named after it, `defaultName` the default. Only
 * what each upstream takes: no API key where it has none, no secret where
 * signing is optional (ConnectyCube's SDKs sign nothing).
 */
export function writeDemoApplications(
  emulators: readonly DemoEmulator[],
  application: { id: number; authKey: string; authSecret: string; apiKey?: string },
  defaultName: UpstreamName,
): string {
  const applications = emulators.map(({ upstream, url }) => {
    const facts = upstreamFacts[upstream];
    return {
      name: upstream,
      upstream,
      applicationId: application.id,
      authKey: application.authKey,
      ...(facts.authSecret === 'required' ? { authSecret: application.authSecret } : {}),
      ...(facts.apiKey && application.apiKey ? { apiKey: application.apiKey } : {}),
      endpoint: url,
    };
  });
  const file = join(mkdtempSync(join(tmpdir(), 'qb-gateway-dev-')), 'demo-applications.json');
  writeFileSync(file, `${JSON.stringify({ default: defaultName, applications }, null, 2)}\n`);
  return file;
}

/** What the banner says of the emulators, the demo users and the demo caller, with grpcurl lines that work as printed. */
export interface DemoBannerFacts {
  emulators: readonly DemoEmulator[];
  defaultName: UpstreamName;
  target: string;
  application: { id: number; users?: readonly { login?: string; password: string }[] };
  policyFile: string;
}

export function demoBanner({ emulators, defaultName, target, application, policyFile }: DemoBannerFacts): string[] {
  const asDemo = `-H 'authorization: Bearer ${demoCallerKey}'`;
  const titles = emulators.map((e) => `${upstreamFacts[e.upstream].title} (${e.url}) as ${e.upstream}${e.upstream === defaultName ? ', the default' : ''}`);
  return [
    'No credentials are set (QB_APPLICATION_ID, QB_AUTH_KEY, QB_AUTH_SECRET), so the gateway runs against',
    `the embedded emulators, each an application of the gateway: ${titles.join('; ')}.`,
    `Each has demo application ${application.id} with users ${(application.users ?? []).map((u) => `${u.login} / ${u.password}`).join(', ')}.`,
    "A call names its application with -H 'qb-application: <name>'; without it, the default serves it.",
    'Set the credentials (or GATEWAY_APPLICATIONS_FILE) to use the real APIs instead.',
    '',
    `Callers (demo policy ${policyFile}): without credentials you are "anonymous": every method, no owner powers.`,
    `With ${asDemo} you are "demo", which holds the account owner's powers`,
    "(QuickBlox's API key: CreateUserToken, and UpdateUser and DeleteUser without the user's token; ConnectyCube has none).",
    '',
    `gRPC on ${target} (server reflection on). Try:`,
    ...emulators.flatMap((e) => demoCalls(e, e.upstream === defaultName ? '' : `-H 'qb-application: ${e.upstream}' `, target, asDemo)),
  ];
}

/** Three calls against one emulator: a read, a sign-in, and what that upstream has of its own (user tokens, or guests). */
function demoCalls({ upstream, aliceId }: DemoEmulator, named: string, target: string, asDemo: string): string[] {
  // Without an API key there are no user tokens to mint, but ConnectyCube has guests.
  const third = upstreamFacts[upstream].apiKey
    ? `  grpcurl -plaintext ${named}${asDemo} -d '{"userId": "${aliceId}"}' ${target} quickblox.v1.UserService/CreateUserToken`
    : `  grpcurl -plaintext ${named}-d '{"guest": {"fullName": "Olof"}}' ${target} quickblox.v1.SessionService/CreateSession`;
  return [
    `  grpcurl -plaintext ${named}-d '{"id": "${aliceId}"}' ${target} quickblox.v1.UserService/GetUser`,
    `  grpcurl -plaintext ${named}-d '{"user": {"loginPassword": {"login": "alice", "password": "alicePass1!"}}}' ${target} quickblox.v1.SessionService/CreateSession`,
    third,
  ];
}
