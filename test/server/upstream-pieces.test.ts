import { Status } from 'nice-grpc-common';
import { ErrorInfo } from 'nice-grpc-error-details';
import { mapUpstreamError } from '../../server/errors/upstream-error-mapping';
import { entryBytes } from '../../server/sessions/session-entries';
import { createUserSessionCache } from '../../server/sessions/user-session-cache';
import { createSealer } from '../../server/store/sealing';
import { createAppSessionCache } from '../../server/upstream/app-session';
import { parseExpiry } from '../../server/upstream/expiry-header';
import { encodeParams, withQuery } from '../../server/upstream/form-encoding';
import { createUpstreamClock } from '../../server/upstream/upstream-clock';
import { UpstreamError } from '../../server/upstream/upstream-error';

describe('form encoding', () => {
  it('percent-encodes every value and keeps brackets in keys', () => {
    expect(
      encodeParams([
        ['user[login]', 'bob smith'],
        ['user[password]', 'p&ss=w0rd+é'],
        ['filter[]', 'string login in a,b'],
      ]),
    ).toBe('user[login]=bob%20smith&user[password]=p%26ss%3Dw0rd%2B%C3%A9&filter[]=string%20login%20in%20a%2Cb');
    expect(withQuery('/users.json', [])).toBe('/users.json');
    expect(withQuery('/users.json', [['page', '2']])).toBe('/users.json?page=2');
  });
});

describe('QB-Token-ExpirationDate', () => {
  it('reads both historical forms and ISO, and nothing else', () => {
    expect(parseExpiry('2017-11-29 07:11:18 UTC')).toBe(Date.UTC(2017, 10, 29, 7, 11, 18));
    expect(parseExpiry('2018-07-11 17:33:09 +0000')).toBe(Date.UTC(2018, 6, 11, 17, 33, 9));
    expect(parseExpiry('2023-09-01T14:55:56Z')).toBe(Date.UTC(2023, 8, 1, 14, 55, 56));
    expect(parseExpiry('tomorrow')).toBeUndefined();
    expect(parseExpiry(undefined)).toBeUndefined();
    expect(parseExpiry(['2017-11-29 07:11:18 UTC'])).toBeUndefined();
  });
});

describe('the upstream clock', () => {
  it('learns the offset from Date headers and ignores sub-second noise', () => {
    let local = Date.UTC(2026, 10, 21, 12, 0, 0, 300);
    const clock = createUpstreamClock(() => local);
    expect(clock.observe(new Date(Date.UTC(2026, 10, 21, 12, 0, 0)).toUTCString())).toBe(false);
    expect(clock.offsetMs()).toBe(0);
    expect(clock.observe(new Date(Date.UTC(2026, 10, 21, 14, 0, 0)).toUTCString())).toBe(true);
    expect(clock.offsetMs()).toBe(2 * 3600_000 + 200);
    local += 1000;
    expect(clock.now()).toBe(local + 2 * 3600_000 + 200);
    expect(clock.observe('garbage')).toBe(false);
    expect(clock.observe(undefined)).toBe(false);
  });
});

describe('the application session cache', () => {
  it('is single-flight, serves the live token, renews near expiry and forgets an invalidated token only', async () => {
    let now = 0;
    let created = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const cache = createAppSessionCache({
      now: () => now,
      renewBeforeMs: 1000,
      create: async () => {
        created++;
        await gate;
        return { token: `t${created}`, expiresAt: now + 10_000 };
      },
    });
    const waiting = Promise.all(Array.from({ length: 100 }, () => cache.token()));
    release();
    expect(new Set(await waiting)).toEqual(new Set(['t1']));
    expect(created).toBe(1);

    now = 9_500; // inside the renewal window: the live token is served while a new one is made
    expect(await cache.token()).toBe('t1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(cache.peek()!.token).toBe('t2');

    cache.invalidate('t1');
    expect(cache.peek()!.token).toBe('t2');
    cache.extend('t2', 50_000);
    expect(cache.peek()!.expiresAt).toBe(50_000);
    cache.invalidate('t2');
    expect(cache.peek()).toBeUndefined();
  });

  it('lets one waiter give up without cancelling the creation for others', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const cache = createAppSessionCache({
      create: async () => {
        await gate;
        return { token: 't', expiresAt: Date.now() + 60_000 * 60 };
      },
    });
    const controller = new AbortController();
    const impatient = cache.token(controller.signal);
    const patient = cache.token();
    controller.abort();
    await expect(impatient).rejects.toMatchObject({ name: 'AbortError' });
    release();
    await expect(patient).resolves.toBe('t');
  });
});

describe('the user session cache', () => {
  const credentials = { method: { $case: 'loginPassword' as const, value: { login: 'alice', password: 'alicePass1!' } } };
  const session = (token: string, expiresAt: number) => ({
    token,
    id: 1n,
    applicationId: 1n,
    userId: 2n,
    createdAt: undefined,
    updatedAt: undefined,
    expiresAt: new Date(expiresAt),
  });

  it('keys by a keyed hash of caller and credentials, never the password', () => {
    const cache = createUserSessionCache();
    const key = cache.key('peer:127.0.0.1', credentials);
    expect(key).not.toContain('alicePass1!');
    expect(key).toBe(cache.key('peer:127.0.0.1', credentials));
    expect(key).not.toBe(cache.key('peer:10.0.0.1', credentials));
    // Random per process unless the shared store's hash is given: then every replica names alike.
    expect(key).not.toBe(createUserSessionCache().key('peer:127.0.0.1', credentials));
    const shared = createSealer('a-secret-of-thirty-two-characters!').hash;
    expect(createUserSessionCache({ hash: shared }).key('peer:127.0.0.1', credentials)).toBe(
      createUserSessionCache({ hash: shared }).key('peer:127.0.0.1', credentials),
    );
  });

  it('reuses a live session, replaces one close to expiry, drops by token and evicts the least recently used', async () => {
    let now = 0;
    const evicted: number[] = [];
    // Room for two entries of a one-letter key and a two-letter token.
    const cache = createUserSessionCache({ now: () => now, minRemainingMs: 1000, maxBytes: 2 * entryBytes('a', 't1'), onEvict: () => evicted.push(now) });
    let n = 0;
    const create = async () => session(`t${++n}`, now + 10_000);
    expect((await cache.reuse('a', create)).token).toBe('t1');
    expect((await cache.reuse('a', create)).token).toBe('t1');
    now = 9_500;
    expect((await cache.reuse('a', create)).token).toBe('t2');
    cache.dropToken('t2');
    expect((await cache.reuse('a', create)).token).toBe('t3');
    await cache.reuse('b', create);
    await cache.reuse('c', create);
    expect([cache.size, cache.bytes, evicted.length]).toEqual([2, 2 * entryBytes('a', 't1'), 1]);
    expect((await cache.reuse('a', create)).token).toBe('t6');
    // Now c, then a: a hit on c makes a the least recently used, so d evicts a, not c.
    expect((await cache.reuse('c', create)).token).toBe('t5');
    await cache.reuse('d', create);
    expect((await cache.reuse('c', create)).token).toBe('t5');
    expect(evicted.length).toBe(3);
  });

  it('does not keep a failure', async () => {
    const cache = createUserSessionCache();
    await expect(cache.reuse('k', () => Promise.reject(new Error('401')))).rejects.toThrow('401');
    expect(cache.size).toBe(0);
  });
});

describe('upstream error mapping', () => {
  const cases: [string, UpstreamError, 'token' | 'application' | 'apiKey' | 'signature', Status, string][] = [
    [
      'expired caller token',
      new UpstreamError('status', '/users/{id}.json', 401, { errors: { base: ['Required session does not exist'] } }),
      'token',
      Status.UNAUTHENTICATED,
      'SESSION_EXPIRED',
    ],
    [
      'lost app session',
      new UpstreamError('status', '/users/{id}.json', 401, { errors: { base: ['Required session does not exist'] } }),
      'application',
      Status.UNAVAILABLE,
      'UPSTREAM_SESSION_LOST',
    ],
    [
      'bad credentials',
      new UpstreamError('status', '/session.json', 401, { errors: ['Unauthorized'] }),
      'signature',
      Status.UNAUTHENTICATED,
      'BAD_CREDENTIALS',
    ],
    ['token required', new UpstreamError('status', '/users.json', 401, { errors: ['Token is required'] }), 'token', Status.UNAUTHENTICATED, 'TOKEN_REQUIRED'],
    [
      'rejected API key',
      new UpstreamError('status', '/users/{id}/tokens', 401, { errors: { base: ['Authorization failed'] } }),
      'apiKey',
      Status.UNAVAILABLE,
      'GATEWAY_MISCONFIGURED',
    ],
    [
      'need user',
      new UpstreamError('status', '/users/{id}.json', 422, { errors: { base: ['Forbidden. Need user.'] } }),
      'token',
      Status.PERMISSION_DENIED,
      'NEED_USER',
    ],
    [
      'not owner',
      new UpstreamError('status', '/users/{id}.json', 403, { errors: { base: ['You are not owner of this object'] } }),
      'token',
      Status.PERMISSION_DENIED,
      'NOT_OWNER',
    ],
    ['forbidden', new UpstreamError('status', '/users.json', 403, { errors: { base: ['Forbidden'] } }), 'token', Status.PERMISSION_DENIED, 'FORBIDDEN'],
    [
      'not found',
      new UpstreamError('status', '/users/{id}.json', 404, { code: null, message: "Couldn't find user" }),
      'token',
      Status.NOT_FOUND,
      'USER_NOT_FOUND',
    ],
    [
      'email taken',
      new UpstreamError('status', '/users.json', 422, { errors: { email: ['has already been taken.'] } }),
      'token',
      Status.ALREADY_EXISTS,
      'EMAIL_TAKEN',
    ],
    [
      'field error',
      new UpstreamError('status', '/users.json', 422, { errors: { password: ['is too short (minimum is 8 characters)'] } }),
      'token',
      Status.INVALID_ARGUMENT,
      'VALIDATION_FAILED',
    ],
    [
      'other refusal',
      new UpstreamError('status', '/login.json', 422, { errors: { base: ['Email is not confirmed'] } }),
      'token',
      Status.FAILED_PRECONDITION,
      'UPSTREAM_REJECTED',
    ],
    [
      'bad signature',
      new UpstreamError('status', '/session.json', 422, { errors: { base: ['Unexpected signature'] } }),
      'signature',
      Status.UNAVAILABLE,
      'GATEWAY_MISCONFIGURED',
    ],
    ['clock', new UpstreamError('status', '/session.json', 422, { errors: { base: ['Bad timestamp'] } }), 'signature', Status.UNAVAILABLE, 'CLOCK_SKEW'],
    [
      'rate limit',
      new UpstreamError('status', '/users.json', 429, { errors: { base: ['Too Many Requests'] } }),
      'token',
      Status.RESOURCE_EXHAUSTED,
      'RATE_LIMITED',
    ],
    ['outage', new UpstreamError('status', '/users.json', 503, undefined), 'token', Status.UNAVAILABLE, 'UPSTREAM_UNAVAILABLE'],
    ['unreachable', new UpstreamError('unreachable', '/users.json'), 'token', Status.UNAVAILABLE, 'UPSTREAM_UNAVAILABLE'],
    ['timeout', new UpstreamError('timeout', '/users.json'), 'token', Status.DEADLINE_EXCEEDED, 'UPSTREAM_TIMEOUT'],
    ['teapot', new UpstreamError('status', '/users.json', 418, undefined), 'token', Status.UNKNOWN, 'UPSTREAM_ERROR'],
  ];
  it.each(cases)('%s', (_name, error, credential, code, reason) => {
    const mapped = mapUpstreamError(error, { credential, fields: { email: 'user.email', password: 'password' }, upstream: 'QuickBlox' });
    expect(Status[mapped.code]).toBe(Status[code]);
    const info = mapped.extra.find((d): d is ErrorInfo => d.$type === ErrorInfo.$type)!;
    expect(info).toMatchObject({ reason, domain: 'quickblox.com' });
    if (error.status) expect(info.metadata.upstream_status).toBe(String(error.status));
  });

  it('names contract fields and reports the upstream message', () => {
    const mapped = mapUpstreamError(new UpstreamError('status', '/users.json', 422, { errors: { email: ['has already been taken'] } }), {
      credential: 'application',
      fields: { email: 'user.email' },
      upstream: 'QuickBlox',
    });
    expect(mapped.details).toBe('user.email: has already been taken');
    expect(mapped.extra.find((d) => d.$type === 'google.rpc.BadRequest')).toMatchObject({
      fieldViolations: [{ field: 'user.email', description: 'has already been taken' }],
    });
  });
});
