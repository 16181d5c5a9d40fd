import { sign } from '../../server/upstream/signing';
import { app, call, startTestEmulator, type TestEmulator } from './harness';

/** The ConnectyCube flavour at the HTTP level: what emulator/README.md says of it, and its inferred choices C1–C12. */
let e: TestEmulator;
beforeEach(async () => {
  e = await startTestEmulator({ flavour: 'connectycube' });
});
afterEach(() => e.close());

const json = (body: unknown) => ({ json: body });
const appSession = async () => (await call(e.url, 'POST', '/session', json({ application_id: app.id, auth_key: app.authKey }))).json.session.token as string;
const userSession = async (login = 'alice', password = 'alicePass1!') =>
  (await call(e.url, 'POST', '/session', json({ application_id: app.id, auth_key: app.authKey, user: { login, password } }))).json.session.token as string;
const cb = (token: string) => ({ headers: { 'cb-token': token } });

describe('sessions', () => {
  it('creates an unsigned application session: 201, CB-Token-ExpirationDate, user_id null, a 36-digit token', async () => {
    const res = await call(e.url, 'POST', '/session', json({ application_id: app.id, auth_key: app.authKey }));
    expect(res.status).toBe(201);
    expect(res.json.session).toMatchObject({ application_id: app.id, user_id: null, token: expect.stringMatching(/^[0-9A-F]{36}$/) });
    expect(res.json.session).not.toHaveProperty('_id');
    expect(res.headers['cb-token-expirationdate']).toBe('2026-11-21 14:00:00 UTC');
    expect(res.headers['connectycube-rest-api-version']).toBe('0.1.1');
    expect(res.headers['qb-token-expirationdate']).toBeUndefined();
  });

  it('takes the .json suffix as well (C1), and names routes without it', async () => {
    expect((await call(e.url, 'POST', '/session.json', json({ application_id: app.id, auth_key: app.authKey }))).status).toBe(201);
    expect(e.state.count('POST /session', 201)).toBe(1);
  });

  it('refuses an unknown application in the array shape (C2)', async () => {
    const res = await call(e.url, 'POST', '/session', json({ application_id: app.id, auth_key: 'wrong' }));
    expect({ status: res.status, body: res.json }).toEqual({ status: 422, body: { errors: ['No Application Found'] } });
  });

  it('checks a signature when one is sent, with its own error shapes (C3)', async () => {
    const now = Math.floor(e.state.now() / 1000);
    const signed = (timestamp: number, secret = app.authSecret) => {
      const params = { application_id: String(app.id), auth_key: app.authKey, nonce: String(timestamp % 1000), timestamp: String(timestamp) };
      return { ...params, signature: sign(params, secret) };
    };
    expect((await call(e.url, 'POST', '/session', json(signed(now)))).status).toBe(201);
    const late = await call(e.url, 'POST', '/session', json(signed(now - 7200)));
    expect({ status: late.status, body: late.json }).toEqual({ status: 422, body: { errors: { timestamp: ['invalid timestamp'] } } });
    const forged = await call(e.url, 'POST', '/session', json(signed(now + 1, 'other-secret')));
    expect({ status: forged.status, body: forged.json }).toEqual({ status: 422, body: { errors: ['Unexpected signature'] } });
  });

  it('puts the user inside a user session, and answers a wrong password with "Invalid password" (C4)', async () => {
    const ok = await call(
      e.url,
      'POST',
      '/session',
      json({ application_id: app.id, auth_key: app.authKey, user: { login: 'alice', password: 'alicePass1!' } }),
    );
    expect(ok.json.session.user).toMatchObject({ login: 'alice', user_tags: ['web', 'vip'] });
    expect(ok.json.session.user).not.toHaveProperty('age_over16');
    const bad = await call(
      e.url,
      'POST',
      '/session',
      json({ application_id: app.id, auth_key: app.authKey, user: { login: 'alice', password: 'wrongPass1!' } }),
    );
    expect({ status: bad.status, body: bad.json }).toEqual({ status: 401, body: { errors: ['Invalid password'] } });
  });

  it('creates an unknown login with its password unless the application denies it (C5)', async () => {
    const made = await call(
      e.url,
      'POST',
      '/session',
      json({ application_id: app.id, auth_key: app.authKey, user: { login: 'newbie', password: 'newbiePass1' } }),
    );
    expect(made.json.session.user).toMatchObject({ login: 'newbie' });
    e.state.apps.get(app.id)!.settings.autoCreateUsers = false;
    const denied = await call(
      e.url,
      'POST',
      '/session',
      json({ application_id: app.id, auth_key: app.authKey, user: { login: 'other', password: 'otherPass1' } }),
    );
    expect(denied.status).toBe(401);
  });

  it('makes guests whose session lasts a day, and who cannot log in with a password (C10)', async () => {
    const res = await call(e.url, 'POST', '/session', json({ application_id: app.id, auth_key: app.authKey, user: { guest: '1', full_name: 'Olof' } }));
    const { token, user } = res.json.session;
    expect(user).toMatchObject({ full_name: 'Olof', is_guest: true, phone: '', login: expect.stringMatching(/^guest_login_[0-9A-F]{16}$/) });
    e.clock.advance(23 * 60 * 60_000);
    expect((await call(e.url, 'GET', '/session', cb(token))).status).toBe(200);
    const again = await call(
      e.url,
      'POST',
      '/session',
      json({ application_id: app.id, auth_key: app.authKey, user: { login: user.login, password: 'anything1' } }),
    );
    expect(again.status).toBe(401);
  });

  it('logs in by Firebase email (C11), and answers login with 200 (C9)', async () => {
    const token = await appSession();
    const claims = Buffer.from(JSON.stringify({ email: 'fire@example.com' })).toString('base64url');
    const res = await call(e.url, 'POST', '/login', {
      ...json({ provider: 'firebase_email', firebase_email: { project_id: 'p', access_token: `h.${claims}.s` } }),
      ...cb(token),
    });
    expect({ status: res.status, email: res.json.user.email }).toEqual({ status: 200, email: 'fire@example.com' });
  });

  it('answers with an empty body where QuickBlox sends a space (C8), and omits the expiry header on request', async () => {
    const token = await appSession();
    e.state.setFaults({ omitExpiryHeader: true });
    const res = await call(e.url, 'DELETE', '/session', cb(token));
    expect({ status: res.status, text: res.text }).toEqual({ status: 200, text: '' });
    expect(res.headers['cb-token-expirationdate']).toBeUndefined();
  });
});

describe('users', () => {
  it('signs up by CB-AuthKey without a session, tag_list as an array or a string', async () => {
    const a = await call(e.url, 'POST', '/users', {
      ...json({ user: { login: 'arr', password: 'arrPass123', tag_list: ['x', 'y'], timezone: 180 } }),
      headers: { 'cb-authkey': app.authKey },
    });
    expect({ status: a.status, tags: a.json.user.user_tags, timezone: a.json.user.timezone }).toEqual({ status: 201, tags: ['x', 'y'], timezone: 180 });
    const s = await call(e.url, 'POST', '/users', {
      ...json({ user: { login: 'str', password: 'strPass123', tag_list: 'p,q' } }),
      headers: { 'cb-authkey': app.authKey },
    });
    expect(s.json.user.user_tags).toEqual(['p', 'q']);
    expect(
      (await call(e.url, 'POST', '/users', { ...json({ user: { login: 'no', password: 'noPass1234' } }), headers: { 'cb-authkey': 'wrong' } })).status,
    ).toBe(401);
  });

  it('reads users/v2: stand-alone filters, comparisons on dates, offset and limit (C6)', async () => {
    const token = await appSession();
    const get = (query: string) => call(e.url, 'GET', `/users/v2?${query}`, cb(token));
    const ids = [...e.state.apps.get(app.id)!.users.byId.keys()];
    const page = await get(`id[in][]=${ids[0]}&id[in][]=${ids[1]}&limit=1&offset=1`);
    expect(page.json).toMatchObject({ limit: 1, skip: 1, total_entries: 2, items: [{ id: ids[1] }] });
    expect(page.json.items[0]).not.toHaveProperty('user');
    expect((await get('login=alice&created_at[gte]=2020-01-01T00:00:00Z')).json.total_entries).toBe(1);
    expect((await get('full_name[start_with]=alic')).json).toMatchObject({ limit: 5, items: [{ login: 'alice' }] });
    expect((await get('user_tags=android')).json.items.map((u: { login: string }) => u.login)).toEqual(['bob']);
    for (const bad of ['limit=10', 'id[gt]=1', 'login=alice&created_at=2020-01-01T00:00:00Z', 'full_name[start_with]=abc', 'website=x']) {
      const res = await get(bad);
      expect({ bad, status: res.status, shape: Array.isArray(res.json.errors) }).toEqual({ bad, status: 422, shape: true });
    }
  });

  it('with listing turned off, refuses every users/v2 query but exact matches, and v1 (C13)', async () => {
    const settings = e.state.apps.get(app.id)!.settings;
    const token = await appSession();
    const get = (query: string) => call(e.url, 'GET', `/users/v2?${query}`, cb(token));
    const id = e.state.apps.get(app.id)!.users.find('login', 'alice')!.id;
    expect((await get(`id[in][]=${id}`)).status).toBe(200);
    settings.listUsers = false;
    try {
      for (const lists of [`id[in][]=${id}`, 'login[in][]=alice', 'full_name[start_with]=alic', 'user_tags=android']) {
        const res = await get(lists);
        expect({ lists, status: res.status, text: res.json.errors?.base?.[0] }).toEqual({
          lists,
          status: 403,
          text: `Users retrieving forbidden in admin panel, application settings. Setup it here https://admin.connectycube.com/apps/${app.id}/service/users/settings`,
        });
      }
      for (const exact of [`id=${id}`, 'login=alice', 'email=alice%40example.com', 'phone=%2B15550100&limit=1']) expect((await get(exact)).status).toBe(200);
      settings.listUsersV1 = true;
      expect((await call(e.url, 'GET', '/users', cb(token))).json.errors.base[0]).toMatch(/^Users retrieving forbidden/);
    } finally {
      Object.assign(settings, { listUsers: true, listUsersV1: false });
    }
    // "DISABLE LIST USERS API V1", ticked by default: a bare 403.
    expect(await call(e.url, 'GET', '/users', cb(token))).toMatchObject({ status: 403, json: { errors: { base: ['Forbidden'] } } });
  });

  it('needs a user to change a user: 403 "Forbidden. Need user." (C7)', async () => {
    const token = await appSession();
    const id = e.state.apps.get(app.id)!.users.find('login', 'bob')!.id;
    const res = await call(e.url, 'PUT', `/users/${id}`, { ...json({ user: { full_name: 'X' } }), ...cb(token) });
    expect({ status: res.status, body: res.json }).toEqual({ status: 403, body: { errors: { base: ['Forbidden. Need user.'] } } });
  });

  it('updates ConnectyCube fields; null clears one', async () => {
    const token = await userSession();
    const id = e.state.apps.get(app.id)!.users.find('login', 'alice')!.id;
    const set = await call(e.url, 'PUT', `/users/${id}`, { ...json({ user: { avatar: 'UID1', external_id: 'ext-1', timezone: -300 } }), ...cb(token) });
    expect(set.json.user).toMatchObject({ avatar: 'UID1', external_id: 'ext-1', timezone: -300 });
    const cleared = await call(e.url, 'PUT', `/users/${id}`, { ...json({ user: { timezone: null } }), ...cb(token) });
    expect(cleared.json.user.timezone).toBeNull();
  });

  it('resets passwords by GET (documented) and POST (the SDK)', async () => {
    const token = await appSession();
    expect((await call(e.url, 'GET', '/users/password/reset?email=alice%40example.com', cb(token))).status).toBe(200);
    expect((await call(e.url, 'POST', '/users/password/reset', { ...json({ email: 'bob@example.com' }), ...cb(token) })).status).toBe(200);
    expect(e.state.outbox.map((m) => m.email)).toEqual(['alice@example.com', 'bob@example.com']);
  });

  it('has no QuickBlox-only routes, and ignores an API key', async () => {
    const token = await appSession();
    expect((await call(e.url, 'GET', '/account_settings', { headers: { 'qb-account-key': 'test-account-key' } })).status).toBe(404);
    expect((await call(e.url, 'POST', '/users/1/tokens', { headers: { authorization: `ApiKey ${app.apiKey}` } })).status).toBe(404);
    expect((await call(e.url, 'GET', '/users/v2?login=alice', { headers: { authorization: `ApiKey ${app.apiKey}` } })).status).toBe(401);
    expect((await call(e.url, 'GET', '/users/v2?login=alice', { token })).status).toBe(401); // QB-Token means nothing here
  });
});
