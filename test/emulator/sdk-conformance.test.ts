/**
 * Drives the emulator with the official QuickBlox JS SDK (quickblox@2.23.0)
 * over HTTPS, as a real application would: the SDK must see no difference
 * from the real service in what docs/quickblox-rest.md marks confirmed.
 */
import { globalAgent } from 'node:https';
import { systemClock } from '../../emulator/clock';
import { app, sdkFailure, startTestEmulator, type TestEmulator } from './harness';

// The SDK is plain CommonJS with no types we rely on.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const QB = require('quickblox') as any;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkConfig = require('quickblox/src/qbConfig') as { qbTokenExpirationDate: unknown };

type Callback<T> = (err: any, result: T) => void;
const call = <T = any>(fn: (cb: Callback<T>) => void) => new Promise<T>((resolve, reject) => fn((err, result) => (err ? reject(err) : resolve(result))));
const failure = (promise: Promise<unknown>) => sdkFailure<{ code: number; message: unknown }>(promise);

let e: TestEmulator;
let expiredCalls = 0;

beforeAll(async () => {
  // The SDK signs with the real time, so the emulator runs on it here.
  e = await startTestEmulator({ httpsPort: 0, clock: systemClock });
  globalAgent.options.ca = e.cert; // trust the emulator's generated certificate
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  QB.init(app.id, app.authKey, app.authSecret, {
    endpoints: { api: new URL(e.httpsUrl!).host },
    on: {
      sessionExpired: (next: () => void) => {
        expiredCalls++;
        next();
      },
    },
  });
});

afterAll(async () => {
  jest.restoreAllMocks();
  await e.close();
});

describe('the official quickblox SDK against the emulator', () => {
  let userId: number;

  it('creates an application session', async () => {
    const session = await call((cb) => QB.createSession(cb));
    expect(session).toMatchObject({ application_id: app.id, user_id: 0, token: expect.any(String) });
    // The SDK parsed QB-Token-ExpirationDate (minus its 1-minute margin) into
    // a valid date two hours ahead: the ISO form would give Invalid Date.
    const expiry = (sdkConfig.qbTokenExpirationDate as Date).getTime();
    expect(expiry).toBeGreaterThan(Date.now() + 118 * 60_000);
    expect(expiry).toBeLessThanOrEqual(Date.now() + 119 * 60_000);
  });

  it('signs a user up with the application session', async () => {
    const user = await call((cb) =>
      QB.users.create({ login: 'sdk-user', password: 'sdkPass123', email: 'sdk@example.com', full_name: 'Sdk User', tag_list: 'a,b' }, cb),
    );
    expect(user).toMatchObject({ login: 'sdk-user', email: 'sdk@example.com', user_tags: 'a,b' });
    userId = (user as { id: number }).id;
    const taken = await failure(call((cb) => QB.users.create({ login: 'sdk-user', password: 'sdkPass123' }, cb)));
    expect(taken.code).toBe(422);
    expect(taken.message).toEqual({ errors: { login: ['has already been taken'] } });
  });

  it('logs in and out of the application session (upgrade, downgrade)', async () => {
    const user = await call((cb) => QB.login({ login: 'sdk-user', password: 'sdkPass123' }, cb));
    expect(user).toMatchObject({ id: userId });
    const session = await call<any>((cb) => QB.getSession(cb));
    expect(session.session.user_id).toBe(userId);
    await call((cb) => QB.logout(cb));
    expect((await call<any>((cb) => QB.getSession(cb))).session.user_id).toBe(0);
  });

  it('creates a user session and reads users every way the SDK offers', async () => {
    const session = await call<any>((cb) => QB.createSession({ login: 'sdk-user', password: 'sdkPass123' }, cb));
    expect(session.user_id).toBe(userId);
    expect(await call<any>((cb) => QB.users.get(userId, cb))).toMatchObject({ id: userId });
    expect(await call<any>((cb) => QB.users.get({ login: 'alice' }, cb))).toMatchObject({ login: 'alice' });
    expect(await call<any>((cb) => QB.users.get({ email: 'bob@example.com' }, cb))).toMatchObject({ login: 'bob' });
    const byName = await call<any>((cb) => QB.users.get({ full_name: 'smith' }, cb));
    expect(byName.items.map((i: any) => i.user.login)).toEqual(['alice']);
    const byTags = await call<any>((cb) => QB.users.get({ tags: ['vip'] }, cb));
    expect(byTags.items[0].user.login).toBe('alice');
    const list = await call<any>((cb) =>
      QB.users.listUsers({ filter: { field: 'login', param: 'in', value: ['alice', 'bob'] }, order: { sort: 'desc', field: 'id' }, per_page: 5 }, cb),
    );
    expect(list.items.map((i: any) => i.user.login)).toEqual(['bob', 'alice']);
    const byDate = await call<any>((cb) =>
      QB.users.listUsers({ filter: { field: 'created_at', param: 'gt', value: '2000-01-01T00:00:00Z' }, per_page: 100 }, cb),
    );
    expect(byDate.total_entries).toBe(3);
    const missing = await failure(call((cb) => QB.users.get({ login: 'nobody' }, cb)));
    expect(missing.code).toBe(404);
  });

  it('updates the user, changing its password with the old one', async () => {
    const updated = await call<any>((cb) => QB.users.update(userId, { full_name: 'Sdk & Co', old_password: 'sdkPass123', password: 'sdkPass456' }, cb));
    expect(updated.full_name).toBe('Sdk & Co');
    const session = await call<any>((cb) => QB.createSession({ login: 'sdk-user', password: 'sdkPass456' }, cb));
    expect(session.user_id).toBe(userId);
    const other = await failure(call((cb) => QB.users.update(e.state.apps.get(app.id)!.users.find('login', 'bob')!.id, { full_name: 'x' }, cb)));
    expect(other.code).toBe(403);
  });

  it('fires sessionExpired after a forced expiry, as it does against the real service', async () => {
    e.state.sessions.expireAll();
    const before = expiredCalls;
    const err = await failure(call((cb) => QB.users.get(userId, cb)));
    expect(err.code).toBe(401);
    expect(expiredCalls).toBe(before + 1);
  });

  it('deletes the user and destroys the session', async () => {
    await call((cb) => QB.createSession({ login: 'sdk-user', password: 'sdkPass456' }, cb));
    expect(await call((cb) => QB.users.delete(userId, cb))).toBe(' ');
    await call((cb) => QB.createSession(cb));
    expect(await call((cb) => QB.destroySession(cb))).toBe(' ');
    expect(e.state.sessions.size).toBe(0);
  });
});
