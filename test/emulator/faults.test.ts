import { request } from 'undici';
import { app, call, session, signed, startTestEmulator, type TestEmulator } from './harness';

let e: TestEmulator;
let token: string;
beforeEach(async () => {
  e = await startTestEmulator();
  token = await session(e);
});
afterEach(() => e.close());

const admin = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', path: string, json?: unknown) => call(e.url, method, `/__admin/${path}`, { json });
const getUser = () => call(e.url, 'GET', '/users/by_login.json?login=alice', { token });

describe('fault injection and limits', () => {
  it('answers 429 above the per-application rate limit, per one-second window', async () => {
    await admin('PUT', 'rate-limit', { perSecond: 3 });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await getUser()).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect((await getUser()).json).toEqual({ errors: { base: ['Too Many Requests'] } });
    e.clock.advance(1000);
    expect((await getUser()).status).toBe(200);
  });

  it('fails the next N matching requests with an HTML 5xx, as a load balancer would', async () => {
    await admin('PATCH', 'faults', { failNext: 2, errorStatus: 502, match: '^GET /users/' });
    expect((await call(e.url, 'GET', '/session.json', { token })).status).toBe(200);
    const failed = await getUser();
    expect([failed.status, failed.headers['content-type'], failed.text]).toEqual([502, 'text/html', expect.stringContaining('<h1>502</h1>')]);
    expect((await getUser()).status).toBe(502);
    expect((await getUser()).status).toBe(200);
  });

  it('fails a share of requests with errorRate', async () => {
    await admin('PATCH', 'faults', { errorRate: 1, errorBody: 'json' });
    const failed = await getUser();
    expect([failed.status, failed.text]).toEqual([503, '{"errors":{"base":["Service Unavailable"]}}']);
    await admin('PATCH', 'faults', { errorRate: 0 });
    expect((await getUser()).status).toBe(200);
  });

  it('resets connections without an answer', async () => {
    await admin('PATCH', 'faults', { resetNext: 1 });
    await expect(request(`${e.url}/users/by_login.json?login=alice`, { headers: { 'qb-token': token } })).rejects.toThrow();
    expect((await getUser()).status).toBe(200);
    expect(e.state.count('GET /users/by_login.json', 0)).toBe(1);
  });

  it('adds latency', async () => {
    await admin('PATCH', 'faults', { latencyMs: 150 });
    const started = process.hrtime.bigint();
    expect((await getUser()).status).toBe(200);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeGreaterThanOrEqual(140);
  });

  it('runs its clock off by an offset: Date header and timestamp checks follow it', async () => {
    await admin('PATCH', 'faults', { clockOffsetMs: 2 * 3600 * 1000 + 1000 });
    const res = await getUser();
    expect(res.headers.date).toBe(new Date(Date.UTC(2026, 10, 21, 14, 0, 1)).toUTCString());
    const stale = await call(e.url, 'POST', '/session.json', { form: signed({}, { now: Date.UTC(2026, 10, 21, 12, 0, 0) }) });
    expect(stale.json).toEqual({ errors: { base: ['Bad timestamp'] } });
    // The session made at 12:00 lapsed after 14:00 by the emulator's clock.
    expect(res.status).toBe(401);
  });

  it('expires every session at once on demand', async () => {
    const res = await admin('POST', 'sessions/expire');
    expect(res.json).toEqual({ expired: 1 });
    expect((await getUser()).json).toEqual({ errors: { base: ['Required session does not exist'] } });
  });
});

describe('the admin endpoint', () => {
  it('seeds applications, users and blobs, changes settings, and reports state', async () => {
    const created = await admin('POST', 'applications', { id: 777, authKey: 'k', authSecret: 's' });
    expect(created.status).toBe(201);
    const user = await admin('POST', 'applications/777/users', { login: 'zed', password: 'zedPass12', tags: ['x'] });
    expect(user.json.user).toMatchObject({ login: 'zed', user_tags: 'x' });
    expect((await admin('POST', 'applications/777/users', { login: 'zed', password: 'zedPass12' })).status).toBe(400);
    expect((await admin('PATCH', 'applications/777/settings', { listUsers: false })).json.listUsers).toBe(false);
    expect((await admin('POST', 'applications/777/blobs', { ids: [5] })).json.blobIds).toEqual([5]);
    const state = await admin('GET', 'state');
    expect(state.json.applications.map((a: { id: number }) => a.id)).toEqual([app.id, 777]);
    expect((await admin('GET', 'nope')).status).toBe(404);
  });

  it('counts answers by route template and status, and logs traceparent headers', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await call(e.url, 'GET', '/users/1.json', { token, headers: { traceparent } });
    await call(e.url, 'GET', '/nowhere.json', { token });
    const stats = await admin('GET', 'stats');
    expect(stats.json.requests).toEqual({
      'POST /session.json': { '201': 1 },
      'GET /users/{id}.json': { '404': 1 },
      'GET (unknown route)': { '404': 1 },
    });
    const log = await admin('GET', 'requests');
    expect(log.json.requests[1]).toMatchObject({ route: 'GET /users/{id}.json', path: '/users/1.json', status: 404, traceparent });
    await admin('POST', 'stats/reset');
    expect((await admin('GET', 'stats')).json.requests).toEqual({});
  });

  it('never answers 204 and always answers JSON errors, also for bad bodies and unknown routes', async () => {
    const badJson = await request(`${e.url}/users.json`, { method: 'POST', headers: { 'content-type': 'application/json', 'qb-token': token }, body: '{oops' });
    expect(badJson.statusCode).toBe(400);
    expect(JSON.parse(await badJson.body.text())).toEqual({ code: null, message: 'Bad Request: the body is not valid JSON' });
    const unknown = await call(e.url, 'GET', '/users/1', { token });
    expect([unknown.status, unknown.json]).toEqual([404, { code: null, message: 'Not Found' }]);
  });
});
