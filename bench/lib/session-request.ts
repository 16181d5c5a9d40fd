import { demoApplication as app } from '../../emulator';
import { sign } from '../../server';

let nonce = 0;

/**
 * A signed `POST /session.json` for the demo application, as the floors send
 * it straight to the emulator: an application session, or, given a login and
 * password, a user session. Each has a nonce of its own, as the upstream
 * refuses one it has seen for the same timestamp.
 */
export function sessionRequest(user?: { login: string; password: string }) {
  nonce = (nonce % 2_000_000_000) + 1;
  const params: Record<string, string> = {
    application_id: String(app.id),
    auth_key: app.authKey,
    nonce: String(nonce),
    timestamp: String(Math.floor(Date.now() / 1000)),
    ...(user ? { 'user[login]': user.login, 'user[password]': user.password } : {}),
  };
  params.signature = sign(params, app.authSecret);
  return {
    method: 'POST' as const,
    path: '/session.json',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  };
}
