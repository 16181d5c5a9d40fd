import { app, call, session, startTestEmulator, type TestEmulator, userSession } from './harness';

let e: TestEmulator;
let appToken: string;
beforeEach(async () => {
  e = await startTestEmulator();
  appToken = await session(e);
});
afterEach(() => e.close());

const users = () => e.state.apps.get(app.id)!.users;
const apiKey = { authorization: `ApiKey ${app.apiKey}` };
const signUp = (form: Record<string, string>, token = appToken) => call(e.url, 'POST', '/users.json', { token, form });

describe('sign-up: POST /users.json', () => {
  it('creates a user with an application session: 201 and the full user object', async () => {
    const res = await signUp({
      'user[login]': 'dave  ',
      'user[password]': 'davePass1!',
      'user[email]': 'dave@example.com',
      'user[full_name]': 'Dave D',
      'user[tag_list]': 'a, b',
      'user[custom_data]': '{"k":1}',
      'user[external_user_id]': '77',
      'user[blob_id]': '7',
    });
    expect(res.status).toBe(201);
    expect(res.json.user).toEqual({
      id: expect.any(Number),
      full_name: 'Dave D',
      email: 'dave@example.com',
      login: 'dave',
      phone: null,
      website: null,
      created_at: '2026-11-21T12:00:00Z',
      updated_at: '2026-11-21T12:00:00Z',
      last_request_at: null,
      external_user_id: 77,
      facebook_id: null,
      twitter_id: null,
      blob_id: 7,
      custom_data: '{"k":1}',
      age_over16: false,
      allow_statistics_analysis: false,
      allow_sales_activities: false,
      parents_contacts: '',
      user_tags: 'a,b',
    });
    expect(users().byId.get(res.json.user.id)!.passwordHash).not.toContain('davePass1!');
  });

  it('answers the exact uniqueness and password error bodies', async () => {
    const taken = await signUp({ 'user[login]': 'alice', 'user[email]': 'ALICE@example.com', 'user[password]': 'x1234567' });
    expect([taken.status, taken.text]).toEqual([422, '{"errors":{"login":["has already been taken"],"email":["has already been taken"]}}']);
    const weak = await signUp({ 'user[login]': 'eve', 'user[password]': 'кот' });
    expect(weak.json).toEqual({
      errors: { password: ['should contain alphanumeric and punctuation characters only', 'is too short (minimum is 8 characters)'] },
    });
    expect((await signUp({ 'user[login]': 'eve', 'user[password]': 'short1' })).json).toEqual({
      errors: { password: ['is too short (minimum is 8 characters)'] },
    });
    expect((await signUp({ 'user[login]': 'eve', 'user[password]': 'x1234567', 'user[blob_id]': '99' })).json).toEqual({
      errors: { blob: ['does not exist'] },
    });
    expect((await signUp({ 'user[login]': 'eve', 'user[password]': 'x1234567', 'user[email]': 'not-an-email' })).json).toEqual({
      errors: { email: ['is invalid'] },
    });
    expect((await signUp({ 'user[login]': 'eve', 'user[password]': 'x1234567', 'user[tag_list]': '1,2,3,4,5,6' })).status).toBe(422);
    expect((await signUp({ 'user[login]': 'eve' })).json).toEqual({ errors: { password: ["can't be blank"] } });
    expect((await signUp({ 'user[password]': 'x1234567' })).status).toBe(422);
  });

  it('refuses sign-up with an application session when the app disables it, but not with the API key', async () => {
    e.state.apps.get(app.id)!.settings.signUpWithApplicationSession = false;
    const res = await signUp({ 'user[login]': 'eve', 'user[password]': 'x1234567' });
    expect([res.status, res.json]).toEqual([422, { errors: { base: ['Forbidden. Need user.'] } }]);
    const owner = await call(e.url, 'POST', '/users.json', { headers: apiKey, form: { 'user[login]': 'eve', 'user[password]': 'x1234567' } });
    expect(owner.status).toBe(201);
  });
});

describe('lookups', () => {
  it('gets one user by id and by each unique key; 404 with the modern body otherwise', async () => {
    const alice = users().find('login', 'alice')!;
    for (const path of [
      `/users/${alice.id}.json`,
      '/users/by_login.json?login=alice',
      '/users/by_email.json?email=alice%40example.com',
      '/users/external/1001.json',
    ]) {
      const res = await call(e.url, 'GET', path, { token: appToken });
      expect([path, res.status, res.json.user.id]).toEqual([path, 200, alice.id]);
    }
    const missing = await call(e.url, 'GET', '/users/by_login.json?login=nobody', { token: appToken });
    expect([missing.status, missing.text]).toEqual([404, '{"code":null,"message":"Couldn\'t find user"}']);
    expect((await call(e.url, 'GET', '/users/123.json', { token: appToken })).status).toBe(404);
    expect((await call(e.url, 'GET', '/users/by_login.json', { token: appToken })).status).toBe(404);
  });

  it('searches by full name (substring, any case) and by tags (any), 404 when nothing matches', async () => {
    const byName = await call(e.url, 'GET', '/users/by_full_name.json?full_name=SMITH', { token: appToken });
    expect(byName.json.items.map((i: any) => i.user.login)).toEqual(['alice']);
    const byTags = await call(e.url, 'GET', '/users/by_tags.json?tags=android%2Cvip', { token: appToken });
    expect(byTags.json.items.map((i: any) => i.user.login)).toEqual(['alice', 'bob']);
    const byTagArray = await call(e.url, 'GET', '/users/by_tags.json?tags[]=android', { token: appToken });
    expect(byTagArray.json.total_entries).toBe(1);
    expect((await call(e.url, 'GET', '/users/by_tags.json?tags=none', { token: appToken })).status).toBe(404);
    expect((await call(e.url, 'GET', '/users/by_full_name.json?full_name=zzz', { token: appToken })).status).toBe(404);
    const phone = await call(e.url, 'GET', '/users/phone.json?phone=%2B15550100', { token: appToken });
    expect(phone.json.items[0].user.login).toBe('bob');
  });
});

describe('GET /users.json', () => {
  beforeEach(async () => {
    for (let i = 1; i <= 25; i++) {
      e.clock.advance(1000);
      await call(e.url, 'POST', '/users.json', {
        headers: apiKey,
        form: { 'user[login]': `user${String(i).padStart(2, '0')}`, 'user[password]': 'x1234567', 'user[external_user_id]': String(5000 + i) },
      });
    }
  });

  it('pages (default 10, clamped to 100) in the documented envelope', async () => {
    const first = await call(e.url, 'GET', '/users.json', { token: appToken });
    expect(first.json).toMatchObject({ current_page: 1, per_page: 10, total_entries: 27 });
    expect(first.json.items).toHaveLength(10);
    expect(first.json.items[0]).toEqual({ user: expect.objectContaining({ login: 'alice' }) });
    const third = await call(e.url, 'GET', '/users.json?page=3&per_page=10', { token: appToken });
    expect(third.json.items).toHaveLength(7);
    expect((await call(e.url, 'GET', '/users.json?per_page=500', { token: appToken })).json.per_page).toBe(100);
  });

  it('applies every operator, repeated filters ANDed, dates compared as dates whatever the type token', async () => {
    const q = async (...filters: string[]) => {
      const query = filters.map((f) => `filter[]=${encodeURIComponent(f)}`).join('&');
      const res = await call(e.url, 'GET', `/users.json?per_page=100&${query}`, { token: appToken });
      if (res.status !== 200) throw new Error(res.text);
      return res.json.items.map((i: any) => i.user.login as string);
    };
    expect(await q('number external_user_id gt 5023')).toEqual(['user24', 'user25']);
    expect(await q('number external_user_id ge 5024')).toEqual(['user24', 'user25']);
    expect(await q('number external_user_id lt 5002')).toEqual(['alice', 'user01']);
    expect(await q('number external_user_id le 1001')).toEqual(['alice']);
    expect(await q('number external_user_id between 5003, 5005')).toEqual(['user03', 'user04', 'user05']);
    expect(await q('string login in bob,user07')).toEqual(['bob', 'user07']);
    expect(await q('string login eq user09')).toEqual(['user09']);
    expect((await q('string login ne user09')).length).toBe(26);
    expect(await q('date created_at gt 2026-11-21T12:00:23Z')).toEqual(['user24', 'user25']);
    expect(await q('string created_at gt 2026-11-21T12:00:23Z')).toEqual(['user24', 'user25']);
    expect(await q('number external_user_id gt 5020', 'string login ne user22')).toEqual(['user21', 'user23', 'user24', 'user25']);
    // A value with `&`, `=` and spaces is one value, never more parameters.
    expect(await q('string login eq a&b=c d')).toEqual([]);
    // The SDK's comma-joined filters read as one filter whose value holds the rest.
    expect(await q('string login eq alice,number id gt 3')).toEqual([]);
  });

  it('orders by any listed field and rejects unknown fields, operators and malformed values', async () => {
    const desc = await call(e.url, 'GET', '/users.json?order=desc%20string%20login&per_page=3', { token: appToken });
    expect(desc.json.items.map((i: any) => i.user.login)).toEqual(['user25', 'user24', 'user23']);
    const byDate = await call(e.url, 'GET', '/users.json?order=desc%20string%20created_at&per_page=1', { token: appToken });
    expect(byDate.json.items[0].user.login).toBe('user25');
    for (const bad of [
      'filter[]=string%20password%20eq%20x',
      'filter[]=string%20login%20gt%20a',
      'filter[]=number%20id%20like%201',
      'filter[]=number%20id%20gt%20abc',
      'order=sideways%20string%20login',
    ]) {
      const res = await call(e.url, 'GET', `/users.json?${bad}`, { token: appToken });
      expect([bad, res.status]).toEqual([bad, 422]);
    }
  });

  it('answers 403 when the app forbids listing users', async () => {
    e.state.apps.get(app.id)!.settings.listUsers = false;
    expect((await call(e.url, 'GET', '/users.json', { token: appToken })).status).toBe(403);
  });
});

describe('changing users', () => {
  it('lets a user update itself, with the old password for a new one', async () => {
    const token = await userSession(e);
    const alice = users().find('login', 'alice')!;
    const path = `/users/${alice.id}.json`;
    const upd = await call(e.url, 'PUT', path, { token, form: { 'user[full_name]': 'Alice & Co', 'user[phone]': '' } });
    expect([upd.status, upd.json.user.full_name, upd.json.user.phone]).toEqual([200, 'Alice & Co', null]);
    const noOld = await call(e.url, 'PUT', path, { token, form: { 'user[password]': 'newPass123' } });
    expect([noOld.status, noOld.json]).toEqual([422, { errors: { old_password: ["can't be blank"] } }]);
    const wrongOld = await call(e.url, 'PUT', path, { token, form: { 'user[password]': 'newPass123', 'user[old_password]': 'nope' } });
    expect(wrongOld.json).toEqual({ errors: { old_password: ['is invalid'] } });
    const changed = await call(e.url, 'PUT', path, { token, form: { 'user[password]': 'newPass123', 'user[old_password]': 'alicePass1!' } });
    expect(changed.status).toBe(200);
    expect(users().passwordMatches(alice, 'newPass123')).toBe(true);
    const taken = await call(e.url, 'PUT', path, { token, form: { 'user[login]': 'bob' } });
    expect([taken.status, taken.json]).toEqual([422, { errors: { login: ['has already been taken'] } }]);
  });

  it('refuses an application session (422 Need user) and another user (403 not owner); the API key may', async () => {
    const bob = users().find('login', 'bob')!;
    const path = `/users/${bob.id}.json`;
    const asApp = await call(e.url, 'PUT', path, { token: appToken, form: { 'user[full_name]': 'x' } });
    expect([asApp.status, asApp.text]).toEqual([422, '{"errors":{"base":["Forbidden. Need user."]}}']);
    const asAlice = await call(e.url, 'PUT', path, { token: await userSession(e), form: { 'user[full_name]': 'x' } });
    expect([asAlice.status, asAlice.json]).toEqual([403, { errors: { base: ['You are not owner of this object'] } }]);
    const owner = await call(e.url, 'PUT', path, { headers: apiKey, form: { 'user[password]': 'resetByOwner1' } });
    expect(owner.status).toBe(200);
    const onBehalf = await call(e.url, 'PUT', path, {
      headers: { ...apiKey, 'on-behalf-of': String(users().find('login', 'alice')!.id) },
      form: { 'user[full_name]': 'x' },
    });
    expect(onBehalf.status).toBe(403);
    const badKey = await call(e.url, 'GET', path, { headers: { authorization: 'ApiKey nope' } });
    expect(badKey.status).toBe(401);
  });

  it('deletes by id and by external id; the user sessions end with the user', async () => {
    const token = await userSession(e);
    const alice = users().find('login', 'alice')!;
    expect((await call(e.url, 'DELETE', `/users/${alice.id}.json`, { token: appToken })).status).toBe(422);
    const del = await call(e.url, 'DELETE', `/users/${alice.id}.json`, { token });
    expect([del.status, del.text]).toEqual([200, ' ']);
    expect((await call(e.url, 'GET', '/session.json', { token })).status).toBe(401);
    expect((await call(e.url, 'GET', `/users/${alice.id}.json`, { token: appToken })).status).toBe(404);
    const bob = await userSession(e, 'bob', 'bobPass123');
    await call(e.url, 'PUT', `/users/${users().find('login', 'bob')!.id}.json`, { token: bob, form: { 'user[external_user_id]': '42' } });
    expect((await call(e.url, 'DELETE', '/users/external/42.json', { token: bob })).status).toBe(200);
    expect(users().find('login', 'bob')).toBeUndefined();
  });

  it('resets passwords by email into the outbox; 404 for an unknown address', async () => {
    const res = await call(e.url, 'GET', '/users/password/reset.json?email=bob%40example.com', { token: appToken });
    expect([res.status, res.text]).toEqual([200, ' ']);
    expect(e.state.outbox).toEqual([{ at: e.state.now(), appId: app.id, email: 'bob@example.com' }]);
    expect((await call(e.url, 'GET', '/users/password/reset.json?email=x%40y.z', { token: appToken })).status).toBe(404);
  });

  it('mints user tokens with the API key only (POST /users/{id}/tokens), ignoring QB-Token', async () => {
    const bob = users().find('login', 'bob')!;
    const res = await call(e.url, 'POST', `/users/${bob.id}/tokens`, { headers: apiKey });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({ token: expect.stringMatching(/^[0-9a-f]{40}$/), expires_at: '2026-11-21T14:00:00Z' });
    expect((await call(e.url, 'GET', '/session.json', { token: res.json.token })).json.session.user_id).toBe(bob.id);
    expect((await call(e.url, 'POST', `/users/${bob.id}/tokens`, { token: appToken })).status).toBe(401);
    expect((await call(e.url, 'POST', '/users/1/tokens.json', { headers: apiKey })).status).toBe(404);
  });

  it('serves account settings for the account key', async () => {
    const res = await call(e.url, 'GET', '/account_settings.json', { headers: { 'qb-account-key': app.accountKey! } });
    expect(res.json.api_endpoint).toBe(e.url);
    expect((await call(e.url, 'GET', '/account_settings.json', { headers: { 'qb-account-key': 'x' } })).status).toBe(404);
  });
});
