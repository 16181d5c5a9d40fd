import { Redis } from 'ioredis';
import { createLogger } from '../../server/logging/logger';
import { connectSharedStore, type SharedStore } from '../../server/store/shared-store';
import { type RedisServer, startRedisServer } from './redis-server';

/** The REDIS_ENCRYPTION_KEY of the tests. */
export const testStoreSecret = 'test-only-secret-of-32-characters-x';

export interface SharedStores {
  /** A replica's store on the real redis-server of this describe block, connected; `url` another Redis, `secret` another key. */
  connect(account: string, options?: { url?: string; secret?: string }): Promise<SharedStore>;
  readonly redis: RedisServer;
}

/**
 * Starts a real redis-server for the enclosing describe block, and closes
 * every store a test connected after that test.
 */
export function useSharedStores(): SharedStores {
  let redis: RedisServer | undefined;
  let stores: SharedStore[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(() => redis?.stop());
  afterEach(async () => {
    await Promise.all(stores.map((s) => s.close()));
    stores = [];
  });
  const server = () => {
    if (!redis) throw new Error('the redis-server of this describe block has not started');
    return redis;
  };
  return {
    async connect(account, options = {}) {
      const store = connectSharedStore({
        url: options.url ?? server().url,
        account,
        secret: options.secret ?? testStoreSecret,
        logger: createLogger('silent'),
      });
      stores.push(store);
      await store.ready(options.url ? 100 : 2000);
      return store;
    },
    get redis() {
      return server();
    },
  };
}

/** Resolves once `holds` does: what reaches the replicas over pub/sub arrives a moment later. */
export async function until(holds: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await holds())) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** Everything a real Redis holds under `pattern`: its key names, and the text of each string and set, one per line. */
export async function heldInRedis(url: string, pattern = 'qb:*'): Promise<{ keys: string[]; text: string }> {
  const raw = new Redis(url);
  try {
    const keys = await raw.keys(pattern);
    const values = await Promise.all(
      keys.map(async (k) => {
        const type = await raw.type(k);
        if (type === 'string') return String(await raw.get(k));
        return type === 'set' ? (await raw.smembers(k)).join() : '';
      }),
    );
    return { keys, text: [...keys, ...values].join('\n') };
  } finally {
    raw.disconnect();
  }
}
