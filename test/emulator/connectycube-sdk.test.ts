/**
 * Drives the ConnectyCube flavour of the emulator with the unmodified
 * official SDK (connectycube@6.1.2), pointed at it as docs/connectycube-sdk.md §1
 * says (`endpoints.api_url`, `urls.type: ''`): what it sees must match what
 * docs/connectycube-rest.md marks confirmed.
 */
import { app, sdkFailure, startTestEmulator, type TestEmulator } from './harness';

// The SDK's instance is its default export; its types are not ours to rely on.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const CC = require('connectycube').default as any;

const failure = (promise: Promise<unknown>) => sdkFailure<{ code: number; info: any }>(promise);

let e: TestEmulator;
let expired = 0;
let renew: () => Promise<unknown> = () => CC.createSession();
const requests = () => e.state.requestLog.map((r) => `${r.method} ${r.route} ${r.status}`);

beforeAll(async () => {
  e = await startTestEmulator({ flavour: 'connectycube' });
  CC.init(
    { appId: app.id, authKey: app.authKey },
    {
      endpoints: { api_url: e.url },
      urls: { type: '' },
      debug: { mode: 0 },
      on: {
        // The SDK's documented recovery: a new session, then the call once more.
        sessionExpired: (handleResponse: () => void, retry: (session: unknown) => void) => {
          expired++;
          renew().then(retry).catch(handleResponse);
        },
      },
    },
  );
});

afterAll(() => e.close());

describe('the official connectycube SDK against the ConnectyCube emulator', () => {
  let marvin: number;

  it('signs up without a session, by CB-AuthKey', async () => {
    const { user } = await CC.users.signup({ login: 'marvin18', password: 'marvinPass1', email: 'marvin@example.com', tag_list: ['a', 'b'] }, app.authKey);
    marvin = user.id;
    expect(user).toMatchObject({ login: 'marvin18', email: 'marvin@example.com', user_tags: ['a', 'b'], avatar: null, timezone: null });
    expect(user).not.toHaveProperty('age_over16');
    expect(requests()).toContain('POST POST /users 201');
  });

  it('creates an application session: unsigned, user_id null, an opaque 36-character token', async () => {
    const session = await CC.createSession();
    expect(session).toMatchObject({ application_id: app.id, user_id: null, token: expect.stringMatching(/^[0-9A-F]{36}$/) });
    expect(session).not.toHaveProperty('_id');
  });

  it('creates a guest session for a temporary user', async () => {
    const session = await CC.createSession({ guest: '1', full_name: 'Olof Shodger' });
    expect(session.user).toMatchObject({ full_name: 'Olof Shodger', is_guest: true, login: expect.stringMatching(/^guest_login_[0-9A-F]+$/) });
    expect(session.user_id).toBe(session.user.id);
  });

  it('creates a user session with the user inside', async () => {
    const session = await CC.createSession({ login: 'alice', password: 'alicePass1!' });
    expect(session.user).toMatchObject({ login: 'alice', full_name: 'Alice Smith', user_tags: ['web', 'vip'] });
    expect(session.user_id).toBe(session.user.id);
  });

  it('refuses a wrong password with 401 {"errors":["Invalid password"]}', async () => {
    const err = await failure(CC.createSession({ login: 'alice', password: 'wrong-password' }));
    expect(err).toEqual({ code: 401, info: { errors: ['Invalid password'] } });
  });

  it('logs in on an application session and out again; the token stays', async () => {
    const { token } = await CC.createSession();
    const user = await CC.login({ login: 'bob', password: 'bobPass123' });
    expect(user).toMatchObject({ login: 'bob' });
    expect(await CC.getSession()).toMatchObject({ token, user_id: user.id });
    await CC.logout();
    expect(await CC.getSession()).toMatchObject({ token, user_id: null });
  });

  it('lists users through users/v2 with filters, offset and limit', async () => {
    const alice = e.state.apps.get(app.id)?.users.find('login', 'alice')?.id;
    const page = await CC.users.getV2({ id: { in: [alice, marvin] }, limit: 1, offset: 1 });
    expect(page).toMatchObject({ limit: 1, skip: 1, total_entries: 2, items: [{ id: marvin }] });
    expect(await CC.users.getV2({ login: 'alice', updated_at: { lte: '2030-01-01T00:00:00Z' } })).toMatchObject({ items: [{ login: 'alice' }] });
    const prefix = await CC.users.getV2({ full_name: { start_with: 'Alic' } });
    expect(prefix).toMatchObject({ limit: 5, items: [{ login: 'alice' }] });
    expect(await CC.users.getV2({ user_tags: { in: ['android'] } })).toMatchObject({ total_entries: 1, items: [{ login: 'bob' }] });
    expect((await failure(CC.users.getV2({ limit: 10 }))).code).toBe(422);
  });

  it('updates the user, changing the password with the old one', async () => {
    await CC.createSession({ login: 'marvin18', password: 'marvinPass1' });
    const { user } = await CC.users.update({ full_name: 'Marvin', password: 'marvinPass2', old_password: 'marvinPass1', avatar: 'UID1', tag_list: ['x'] });
    expect(user).toMatchObject({ id: marvin, full_name: 'Marvin', avatar: 'UID1', user_tags: ['x'] });
    expect(await failure(CC.users.update({ password: 'marvinPass3', old_password: 'not-it-at-all' }))).toMatchObject({ code: 422 });
    expect(await CC.createSession({ login: 'marvin18', password: 'marvinPass2' })).toMatchObject({ user_id: marvin });
  });

  it('resets a password by POST, and recovers from an expired session once', async () => {
    await CC.createSession();
    await CC.users.resetPassword('alice@example.com');
    expect(e.state.outbox.at(-1)).toMatchObject({ email: 'alice@example.com' });
    expect(requests()).toContain('POST POST /users/password/reset 200');
    e.clock.advance(2 * 60 * 60_000 + 1000); // the token's two hours pass unused
    await CC.users.resetPassword('alice@example.com');
    expect(expired).toBe(1);
    expect(e.state.outbox).toHaveLength(2);
  });

  it('deletes its own user, whose sessions end with it', async () => {
    await CC.createSession({ login: 'marvin18', password: 'marvinPass2' });
    await CC.users.delete();
    expect(e.state.apps.get(app.id)?.users.byId.has(marvin)).toBe(false);
    renew = () => CC.createSession();
    expect(await failure(CC.getSession())).toMatchObject({ code: 401, info: { errors: { base: ['Required session does not exist'] } } });
  });

  it('destroys a session: the token stops working', async () => {
    const { token } = await CC.createSession();
    await CC.destroySession();
    expect(requests().at(-1)).toBe('DELETE DELETE /session 200');
    expect(e.state.sessions.find(token, e.state.now(), e.state.sessionTtlMs)).toBeUndefined();
  });
});
