import type { Session } from '../../gen/index.quickblox.v1';
import { shareUserSessions } from '../../server/sessions/shared-user-sessions';
import { createUserSessionCache, type UserSessionCache } from '../../server/sessions/user-session-cache';
import { redisServerAvailable } from '../support/redis-server';
import { until, useSharedStores } from '../support/shared-stores';

const withRedis = redisServerAvailable() ? describe : describe.skip;

const session = (token: string, userId: bigint): Session => ({
  token,
  id: 1n,
  applicationId: 1n,
  userId,
  createdAt: undefined,
  updatedAt: undefined,
  expiresAt: new Date(Date.now() + 60 * 60_000),
});

withRedis('user sessions shared through Redis', () => {
  const stores = useSharedStores();
  let account = 0;
  /** Two replicas' caches on one account, and how many sessions each took from the other. */
  async function replicas(): Promise<{ caches: UserSessionCache[]; shared: number[] }> {
    account++;
    const shared = [0, 0];
    const caches = await Promise.all(
      [0, 1].map(async (i) => {
        const store = await stores.connect(`quickblox:${account}`);
        return shareUserSessions(createUserSessionCache({ hash: store.sealer.hash }), store, { onShared: () => shared[i]!++ });
      }),
    );
    return { caches, shared };
  }
  const credentials = { method: { $case: 'loginPassword' as const, value: { login: 'alice', password: 'alicePass1!' } } };

  it('names alike on both replicas and hands one replica’s session to the other', async () => {
    const { caches, shared } = await replicas();
    const [a, b] = caches as [UserSessionCache, UserSessionCache];
    expect(a.key('caller', credentials)).toBe(b.key('caller', credentials));
    const key = a.key('caller', credentials);
    expect((await a.reuse(key, async () => session('t1', 7n))).token).toBe('t1');
    const create = jest.fn(async () => session('t2', 7n));
    expect((await b.reuse(key, create)).token).toBe('t1');
    expect(create).not.toHaveBeenCalled();
    expect(shared).toEqual([0, 1]);
  });

  it('drops a token on every replica, and a user’s sessions, and everyone’s', async () => {
    const { caches } = await replicas();
    const [a, b] = caches as [UserSessionCache, UserSessionCache];
    const key = a.key('caller', credentials);
    const fresh = (token: string) => async () => session(token, 7n);
    await a.reuse(key, fresh('t1'));
    await b.reuse(key, fresh('unused'));
    b.dropToken('t1');
    await until(async () => (await a.reuse(key, fresh('t2'))).token === 't2');
    expect((await b.reuse(key, fresh('unused'))).token).toBe('t2');

    a.dropUser(7n);
    await until(async () => (await b.reuse(key, fresh('t3'))).token === 't3');
    expect((await a.reuse(key, fresh('unused'))).token).toBe('t3');

    b.dropUser(undefined);
    await until(async () => (await a.reuse(key, fresh('t4'))).token === 't4');
    expect((await b.reuse(key, fresh('unused'))).token).toBe('t4');
  });

  it('does not store a session whose creation began before a drop of its user', async () => {
    const { caches } = await replicas();
    const [a, b] = caches as [UserSessionCache, UserSessionCache];
    const key = a.key('caller', credentials);
    let finish!: (s: Session) => void;
    const slow = a.reuse(key, () => new Promise<Session>((resolve) => (finish = resolve)));
    await until(() => finish !== undefined);
    a.dropUser(7n);
    finish(session('stale', 7n));
    expect((await slow).token).toBe('stale');
    expect((await b.reuse(key, async () => session('fresh', 7n))).token).toBe('fresh');
  });
});
