import { request } from 'undici';
import { type ManualClock, manualClock } from '../../emulator/clock';
import type { ApplicationConfig, EmulatorConfig } from '../../emulator/config';
import { type Emulator, startEmulator } from '../../emulator/server';
import { sign } from '../../server/upstream/signing';

/** The made-up credentials of docs/quickblox-rest.md §3.4, plus an API key and two users. */
export const app: ApplicationConfig = {
  id: 12345,
  authKey: 'AbCdEfGh12345',
  authSecret: 'S3cr3tS3cr3tXYZ',
  apiKey: 'test-api-key',
  accountKey: 'test-account-key',
  blobIds: [7],
  users: [
    { login: 'alice', email: 'alice@example.com', password: 'alicePass1!', full_name: 'Alice Smith', tags: ['web', 'vip'], external_user_id: 1001 },
    { login: 'bob', email: 'bob@example.com', password: 'bobPass123', full_name: 'Bob Brown', tags: ['android'], phone: '+15550100' },
  ],
};

export interface TestEmulator extends Emulator {
  clock: ManualClock;
}

export async function startTestEmulator(options: Partial<EmulatorConfig> = {}): Promise<TestEmulator> {
  const clock = manualClock(Date.UTC(2026, 10, 21, 12, 0, 0));
  const emulator = await startEmulator({ applications: [structuredClone(app)], clock, ...options });
  return { ...emulator, clock };
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

export async function call(
  base: string,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH',
  path: string,
  opts: { form?: Record<string, string | number>; json?: unknown; headers?: Record<string, string>; token?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers['qb-token'] = opts.token;
  let body: string | undefined;
  if (opts.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded; charset=UTF-8';
    body = new URLSearchParams(Object.entries(opts.form).map(([k, v]): [string, string] => [k, String(v)])).toString();
  } else if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  }
  const res = await request(`${base}${path}`, { method, headers, body });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers, text, json };
}

let nonce = 1000;

/** Signs session-create params with the gateway's signer (written apart from the emulator's verifier). */
export function signed(
  extra: Record<string, string | number> = {},
  o: { ts?: number; nonce?: number; secret?: string; algorithm?: 'sha1' | 'sha256'; now?: number } = {},
): Record<string, string> {
  const params: Record<string, string> = {
    application_id: String(app.id),
    auth_key: app.authKey,
    nonce: String(o.nonce ?? nonce++),
    timestamp: String(o.ts ?? Math.floor((o.now ?? Date.UTC(2026, 10, 21, 12, 0, 0)) / 1000)),
  };
  for (const [k, v] of Object.entries(extra)) params[k] = String(v);
  params.signature = sign(params, o.secret ?? app.authSecret, o.algorithm);
  return params;
}

/** Creates a session and returns its token. */
export async function session(e: TestEmulator, extra: Record<string, string | number> = {}): Promise<string> {
  const res = await call(e.url, 'POST', '/session.json', { form: signed(extra, { now: e.state.now() }) });
  if (res.status !== 201) throw new Error(`session create failed: ${res.status} ${res.text}`);
  return res.json.session.token as string;
}

export const userSession = (e: TestEmulator, login = 'alice', password = 'alicePass1!') => session(e, { 'user[login]': login, 'user[password]': password });

/** The rejection of an official SDK's promise, which must come. */
export async function sdkFailure<T>(promise: Promise<unknown>): Promise<T> {
  try {
    await promise;
  } catch (err) {
    return err as T;
  }
  throw new Error('expected the SDK call to fail');
}
