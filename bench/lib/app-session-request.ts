import { demoApplication as app } from '../../emulator';
import { sign } from '../../server';

/** A signed `POST /session.json` for the demo application, as the floors send it straight to the emulator. */
export function appSessionRequest() {
  const params: Record<string, string> = {
    application_id: String(app.id),
    auth_key: app.authKey,
    nonce: '1',
    timestamp: String(Math.floor(Date.now() / 1000)),
  };
  params.signature = sign(params, app.authSecret);
  return {
    method: 'POST' as const,
    path: '/session.json',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  };
}
