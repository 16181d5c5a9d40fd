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

/** What the banner says of the emulator, the demo users and the demo caller, with grpcurl lines that work as printed. */
export interface DemoBannerFacts {
  upstream: UpstreamName;
  emulatorUrl: string;
  target: string;
  application: { id: number; users?: readonly { login?: string; password: string }[] };
  aliceId: number;
  policyFile: string;
}

export function demoBanner({ upstream, emulatorUrl, target, application, aliceId, policyFile }: DemoBannerFacts): string[] {
  const asDemo = `-H 'authorization: Bearer ${demoCallerKey}'`;
  const { title, apiKey } = upstreamFacts[upstream];
  // Without an API key there are no user tokens to mint, but ConnectyCube has guests: the third line shows what each upstream has of its own.
  const third = apiKey
    ? `  grpcurl -plaintext ${asDemo} -d '{"userId": "${aliceId}"}' ${target} quickblox.v1.UserService/CreateUserToken`
    : `  grpcurl -plaintext -d '{"guest": {"fullName": "Olof"}}' ${target} quickblox.v1.SessionService/CreateSession`;
  return [
    'No credentials are set (QB_APPLICATION_ID, QB_AUTH_KEY, QB_AUTH_SECRET), so the gateway runs against',
    `the embedded ${title} emulator at ${emulatorUrl}: demo application ${application.id},`,
    `users ${(application.users ?? []).map((u) => `${u.login} / ${u.password}`).join(', ')}.`,
    `Set the credentials to use the real ${title} API instead.`,
    '',
    `Callers (demo policy ${policyFile}): without credentials you are "anonymous": every method, no owner powers.`,
    `With ${asDemo} you are "demo", which holds the account owner's powers`,
    apiKey
      ? "(the API key): CreateUserToken, and UpdateUser and DeleteUser without the user's token."
      : `(${title} has no API key, so they add nothing there).`,
    '',
    `gRPC on ${target} (server reflection on). Try:`,
    `  grpcurl -plaintext -d '{"id": "${aliceId}"}' ${target} quickblox.v1.UserService/GetUser`,
    `  grpcurl -plaintext -d '{"user": {"loginPassword": {"login": "alice", "password": "alicePass1!"}}}' ${target} quickblox.v1.SessionService/CreateSession`,
    third,
  ];
}
