import { app, call, session, signed, startTestEmulator, type TestEmulator, userSession } from './harness';

let e: TestEmulator;
beforeEach(async () => {
  e = await startTestEmulator();
});
afterEach(() => e.close());

const now = () => e.state.now();
const post = (form: Record<string, string>) => call(e.url, 'POST', '/session.json', { form });

describe('POST /session.json', () => {
  it('creates an application session: 201, the documented object, the expiry header +2 h', async () => {
    const res = await post(signed({}, { now: now(), nonce: 7334 }));
    expect(res.status).toBe(201);
    const s = res.json.session;
    expect(s).toEqual({
      _id: String(s.id),
      application_id: app.id,
      created_at: '2026-11-21T12:00:00Z',
      id: expect.any(Number),
      nonce: 7334,
      token: expect.stringMatching(/^[0-9a-f]{40}$/),
      ts: Math.floor(now() / 1000),
      updated_at: '2026-11-21T12:00:00Z',
      user_id: 0,
    });
    expect(res.headers['qb-token-expirationdate']).toBe('2026-11-21 14:00:00 UTC');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('creates user sessions by login and by email, from form and from JSON bodies', async () => {
    const byLogin = await post(signed({ 'user[login]': 'alice', 'user[password]': 'alicePass1!' }, { now: now() }));
    const alice = e.state.apps.get(app.id)!.users.find('login', 'alice')!;
    expect(byLogin.json.session.user_id).toBe(alice.id);
    const byEmail = await post(signed({ 'user[email]': 'ALICE@example.com', 'user[password]': 'alicePass1!' }, { now: now() }));
    expect(byEmail.json.session.user_id).toBe(alice.id);

    const flat = signed({ 'user[login]': 'bob', 'user[password]': 'bobPass123' }, { now: now() });
    const nested = {
      application_id: Number(flat.application_id),
      auth_key: flat.auth_key,
      nonce: Number(flat.nonce),
      timestamp: Number(flat.timestamp),
      signature: flat.signature,
      user: { login: 'bob', password: 'bobPass123' },
    };
    const json = await call(e.url, 'POST', '/session.json', { json: nested });
    expect(json.status).toBe(201);
    const flatJson = await call(e.url, 'POST', '/session.json', {
      json: signed({ 'user[login]': 'bob', 'user[password]': 'bobPass123' }, { now: now() }),
    });
    expect(flatJson.status).toBe(201);
  });

  it('accepts SHA-256 signatures', async () => {
    expect((await post(signed({}, { now: now(), algorithm: 'sha256' }))).status).toBe(201);
  });

  it('answers the documented errors, checked in order: application, timestamp, signature, nonce, credentials', async () => {
    const noApp = await post({ ...signed({}, { now: now() }), auth_key: 'wrong' });
    expect([noApp.status, noApp.json]).toEqual([422, { errors: { base: ['No Application Found'] } }]);
    const late = await post(signed({}, { ts: Math.floor(now() / 1000) - 3601 }));
    expect([late.status, late.text]).toEqual([422, '{"errors":{"base":["Bad timestamp"]}}']);
    expect((await post(signed({}, { ts: Math.floor(now() / 1000) + 3600 }))).status).toBe(201);
    const badSig = await post(signed({}, { now: now(), secret: 'wrong' }));
    expect([badSig.status, badSig.json]).toEqual([422, { errors: { base: ['Unexpected signature'] } }]);
    const wrongPassword = await post(signed({ 'user[login]': 'alice', 'user[password]': 'nope12345' }, { now: now() }));
    expect([wrongPassword.status, wrongPassword.text]).toEqual([401, '{"errors":["Unauthorized"]}']);
    const unknownUser = await post(signed({ 'user[login]': 'nobody', 'user[password]': 'x12345678' }, { now: now() }));
    expect(unknownUser.status).toBe(401);
    expect(unknownUser.headers['qb-token-expirationdate']).toBeUndefined();
  });

  it('refuses a replayed (timestamp, nonce) pair, but not the same nonce at another timestamp', async () => {
    const params = signed({}, { now: now(), nonce: 42 });
    expect((await post(params)).status).toBe(201);
    const replay = await post(params);
    expect([replay.status, replay.json]).toEqual([422, { errors: { base: ['Nonce has already been used'] } }]);
    expect((await post(signed({}, { ts: Math.floor(now() / 1000) + 1, nonce: 42 }))).status).toBe(201);
    expect((await post(signed({}, { now: now(), nonce: -1569037671 }))).status).toBe(201);
  });

  it('logs in with provider tokens, creating the user on first login (deterministic mapping)', async () => {
    const fb = async (token: string) => post(signed({ provider: 'facebook', 'keys[token]': token, scope: 'public_profile' }, { now: now() }));
    const first = await fb('100200300.someSignature');
    const users = e.state.apps.get(app.id)!.users;
    const fbUser = users.find('facebook_id', '100200300')!;
    expect(first.json.session.user_id).toBe(fbUser.id);
    expect((await fb('100200300.otherToken')).json.session.user_id).toBe(fbUser.id);
    expect((await fb('invalid-token')).status).toBe(401);

    const tw = await post(signed({ provider: 'twitter', 'keys[token]': '555', 'keys[secret]': 'S' }, { now: now() }));
    expect(tw.json.session.user_id).toBe(users.find('twitter_id', '555')!.id);
    expect((await post(signed({ provider: 'twitter', 'keys[token]': '555' }, { now: now() }))).status).toBe(401);

    const claims = Buffer.from(JSON.stringify({ phone_number: '+447700900123' })).toString('base64url');
    const phone = await post(
      signed({ provider: 'firebase_phone', 'firebase_phone[project_id]': 'p1', 'firebase_phone[access_token]': `h.${claims}.s` }, { now: now() }),
    );
    expect(phone.status).toBe(201);
    expect(users.byId.get(phone.json.session.user_id)!.phone).toBe('+447700900123');

    const unsupported = await post(signed({ provider: 'firebase_email', 'firebase_email[project_id]': 'p' }, { now: now() }));
    expect([unsupported.status, unsupported.json]).toEqual([422, { errors: { base: ['Unsupported provider: firebase_email'] } }]);
  });

  it('maps custom identity provider logins to users created on first login when the app enables it', async () => {
    e.state.apps.get(app.id)!.settings.customIdentityProvider = true;
    const first = await post(signed({ 'user[login]': 'idp-77', 'user[password]': 'idp-token' }, { now: now() }));
    expect(first.status).toBe(201);
    const again = await post(signed({ 'user[login]': 'idp-77', 'user[password]': 'another-token' }, { now: now() }));
    expect(again.json.session.user_id).toBe(first.json.session.user_id);
    expect(e.state.apps.get(app.id)!.users.byId.get(first.json.session.user_id)!.login).toBe('idp-77');
    expect((await post(signed({ 'user[login]': 'idp-77', 'user[password]': 'invalid' }, { now: now() }))).status).toBe(401);
  });
});

describe('session tokens', () => {
  it('GET /session.json returns the session; DELETE ends it at once', async () => {
    const token = await userSession(e);
    const got = await call(e.url, 'GET', '/session.json', { token });
    expect(got.status).toBe(200);
    expect(got.json.session.token).toBe(token);
    const del = await call(e.url, 'DELETE', '/session.json', { token });
    expect([del.status, del.text]).toEqual([200, ' ']);
    const after = await call(e.url, 'GET', '/session.json', { token });
    expect([after.status, after.text]).toEqual([401, '{"errors":{"base":["Required session does not exist"]}}']);
  });

  it('answers 401 "Token is required" without a token', async () => {
    const res = await call(e.url, 'GET', '/users/1.json');
    expect([res.status, res.json]).toEqual([401, { errors: ['Token is required'] }]);
  });

  it('upgrades with POST /login.json (202, flat params, same token) and downgrades with DELETE /login.json', async () => {
    const token = await session(e);
    const login = await call(e.url, 'POST', '/login.json', { token, form: { login: 'alice', password: 'alicePass1!' } });
    expect(login.status).toBe(202);
    expect(login.json.user.login).toBe('alice');
    expect((await call(e.url, 'GET', '/session.json', { token })).json.session.user_id).toBe(login.json.user.id);
    const wrong = await call(e.url, 'POST', '/login.json', { token, form: { login: 'alice', password: 'bad' } });
    expect([wrong.status, wrong.json]).toEqual([401, { errors: ['Unauthorized'] }]);
    const logout = await call(e.url, 'DELETE', '/login.json', { token });
    expect([logout.status, logout.text]).toEqual([200, ' ']);
    expect((await call(e.url, 'GET', '/session.json', { token })).json.session.user_id).toBe(0);
  });

  it('expires two hours after the last successful request (sliding), showing the previous expiry', async () => {
    const token = await session(e);
    e.clock.advance(100 * 60 * 1000); // 13:40
    const used = await call(e.url, 'GET', '/users/by_login.json?login=alice', { token });
    expect(used.status).toBe(200);
    // The header shows the expiry as it stood before this request (docs/quickblox-rest.md §2.7).
    expect(used.headers['qb-token-expirationdate']).toBe('2026-11-21 14:00:00 UTC');
    e.clock.advance(100 * 60 * 1000); // 15:20: alive only because the 13:40 request slid it to 15:40
    const later = await call(e.url, 'GET', '/session.json', { token });
    expect(later.status).toBe(200);
    expect(later.headers['qb-token-expirationdate']).toBe('2026-11-21 15:40:00 UTC');
    e.clock.advance(2 * 3600 * 1000 + 1000);
    const expired = await call(e.url, 'GET', '/session.json', { token });
    expect([expired.status, expired.json]).toEqual([401, { errors: { base: ['Required session does not exist'] } }]);
  });

  it('does not slide the expiry on failed requests', async () => {
    const token = await session(e);
    e.clock.advance(110 * 60 * 1000);
    expect((await call(e.url, 'GET', '/users/999.json', { token })).status).toBe(404);
    e.clock.advance(11 * 60 * 1000);
    expect((await call(e.url, 'GET', '/session.json', { token })).status).toBe(401);
  });

  it('records each user session request as the user last_request_at', async () => {
    const token = await userSession(e);
    e.clock.advance(5000);
    await call(e.url, 'GET', '/session.json', { token });
    const me = await call(e.url, 'GET', '/users/by_login.json?login=alice', { token });
    expect(me.json.user.last_request_at).toBe('2026-11-21T12:00:05Z');
  });
});
