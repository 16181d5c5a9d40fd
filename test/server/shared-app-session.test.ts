import { createSealer } from '../../server/store/sealing';
import type { ApplicationSession } from '../../server/upstream/app-session';
import { shareApplicationSession } from '../../server/upstream/shared-app-session';
import { redisServerAvailable } from '../support/redis-server';
import { heldInRedis, testStoreSecret, useSharedStores } from '../support/shared-stores';

const secret = testStoreSecret;

describe('sealing what the replicas keep in Redis', () => {
  const sealer = createSealer(secret);

  it('opens what it sealed, only at the key it was sealed for, and nothing altered or sealed under another secret', () => {
    const sealed = sealer.seal('token-abc', 'qb:{quickblox:1}:app-session');
    expect(sealed).not.toContain('token-abc');
    expect(sealer.open(sealed, 'qb:{quickblox:1}:app-session')).toBe('token-abc');
    expect(sealer.open(sealed, 'qb:{quickblox:2}:app-session')).toBeUndefined();
    expect(createSealer(`${secret}-rotated`).open(sealed, 'qb:{quickblox:1}:app-session')).toBeUndefined();
    const flipped = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'B' : 'A') + sealed.slice(-1);
    expect(sealer.open(flipped, 'qb:{quickblox:1}:app-session')).toBeUndefined();
    expect(sealer.open('not sealed at all', 'qb:{quickblox:1}:app-session')).toBeUndefined();
    // A fresh nonce each time: equal tokens do not show as equal values.
    expect(sealer.seal('token-abc', 'k')).not.toBe(sealer.seal('token-abc', 'k'));
  });

  it('hashes alike on every replica with the same secret, and differently under another or with the parts split otherwise', () => {
    expect(createSealer(secret).hash('alice', 'pw')).toBe(sealer.hash('alice', 'pw'));
    expect(createSealer(`${secret}-rotated`).hash('alice', 'pw')).not.toBe(sealer.hash('alice', 'pw'));
    expect(sealer.hash('ali', 'cepw')).not.toBe(sealer.hash('alice', 'pw'));
  });
});

const withRedis = redisServerAvailable() ? describe : describe.skip;

/** A creation that finishes when the test says; `started` resolves once it was called (its caller holds the lock then). */
function deferred() {
  let resolve!: (session: ApplicationSession) => void;
  let reject!: (e: Error) => void;
  let begun!: () => void;
  const started = new Promise<void>((ok) => (begun = ok));
  const promise = new Promise<ApplicationSession>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  const create = () => {
    begun();
    return promise;
  };
  return { create, started, resolve, reject };
}

const session = (token: string): ApplicationSession => ({ token, expiresAt: Date.now() + 60 * 60_000 });

withRedis('the application session shared through Redis', () => {
  const stores = useSharedStores();
  let account = 0;
  beforeEach(() => {
    account++;
  });
  /** A replica's store for this test's account; `url` another Redis, `secret` another key. */
  const store = (options: { url?: string; secret?: string } = {}) => stores.connect(`quickblox:${account}`, options);

  it('is created once: a replica waiting on another creator takes what it made, without creating', async () => {
    const made = deferred();
    const first = shareApplicationSession(await store(), { create: made.create });
    const secondCreate = jest.fn(async () => session('second'));
    const second = shareApplicationSession(await store(), { create: secondCreate });
    const firstGot = first.create();
    await made.started;
    // The second asks while the first holds the lock: it must wait for it.
    const secondGot = second.create();
    made.resolve(session('first'));
    expect((await firstGot).token).toBe('first');
    expect((await secondGot).token).toBe('first');
    expect(secondCreate).not.toHaveBeenCalled();
  });

  it('is taken over once the lock lapses, and the late creator does not overwrite its successor', async () => {
    const stuck = deferred();
    const first = shareApplicationSession(await store(), { create: stuck.create, lockMs: 200 });
    const firstGot = first.create();
    await stuck.started;
    const second = shareApplicationSession(await store(), { create: async () => session('second'), lockMs: 200 });
    expect((await second.create()).token).toBe('second');
    stuck.resolve(session('late'));
    expect((await firstGot).token).toBe('late');
    const thirdCreate = jest.fn(async () => session('third'));
    const third = shareApplicationSession(await store(), { create: thirdCreate });
    expect((await third.create()).token).toBe('second');
    expect(thirdCreate).not.toHaveBeenCalled();
  });

  it('wakes the waiters at once when a creation fails, and one of them creates', async () => {
    const failing = deferred();
    const first = shareApplicationSession(await store(), { create: failing.create, lockMs: 60_000 });
    const firstGot = first.create();
    await failing.started;
    const second = shareApplicationSession(await store(), { create: async () => session('second'), lockMs: 60_000 });
    const secondGot = second.create();
    failing.reject(new Error('upstream down'));
    await expect(firstGot).rejects.toThrow('upstream down');
    // Well before the 60 s lock would lapse (the test's own timeout is 5 s).
    expect((await secondGot).token).toBe('second');
  });

  it('skips the token being renewed and a stored one about to lapse', async () => {
    const first = shareApplicationSession(await store(), { create: async () => session('first') });
    await first.create();
    const second = shareApplicationSession(await store(), { create: async () => session('second') });
    expect((await second.create('first')).token).toBe('second');
    const soon = shareApplicationSession(await store(), { create: async () => ({ token: 'brief', expiresAt: Date.now() + 2000 }), minRemainingMs: 5000 });
    expect((await soon.create('second')).token).toBe('brief');
    const fourth = shareApplicationSession(await store(), { create: async () => session('fourth'), minRemainingMs: 5000 });
    expect((await fourth.create()).token).toBe('fourth');
  });

  it('forgets the stored session only while it is the token forgotten', async () => {
    const first = shareApplicationSession(await store(), { create: async () => session('first') });
    await first.create();
    first.forget('another');
    const second = shareApplicationSession(await store(), { create: async () => session('second') });
    expect((await second.create()).token).toBe('first');
    first.forget('first');
    const third = shareApplicationSession(await store(), { create: async () => session('third') });
    expect((await third.create()).token).toBe('third');
  });

  it('keeps only sealed values, and a replica with another secret sees nothing it can use', async () => {
    const first = shareApplicationSession(await store(), { create: async () => session('token-in-the-clear') });
    await first.create();
    const held = await heldInRedis(stores.redis.url, `qb:{quickblox:${account}}:*`);
    expect(held.keys.length).toBeGreaterThan(0);
    expect(held.text).not.toContain('token-in-the-clear');
    const rotated = shareApplicationSession(await store({ secret: `${secret}-rotated` }), { create: async () => session('own') });
    expect((await rotated.create()).token).toBe('own');
  });

  it('creates its own while Redis cannot be reached', async () => {
    const unreachable = await store({ url: 'redis://127.0.0.1:1' });
    const alone = shareApplicationSession(unreachable, { create: async () => session('alone') });
    expect((await alone.create()).token).toBe('alone');
  });
});
