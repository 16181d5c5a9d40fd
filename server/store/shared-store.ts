import { Redis } from 'ioredis';
import type { Logger } from '../logging/logger';

/**
 * The Redis the replicas share (REDIS_URL), and whether it can be used right
 * now. Commands fail fast rather than queue: a replica that cannot reach
 * Redis serves from its own state, and ioredis reconnects by itself.
 */
export interface SharedStore {
  readonly redis: Redis;
  /** Whether the last command got through (false until connected, and after a failure until Redis is back). */
  up(): boolean;
  /** Records that a command failed: the store is down until ioredis reconnects. */
  failed(error: unknown): void;
  /**
   * A nonce tag (0..2047) no other replica started since holds: a counter in
   * Redis, so replicas collide only when one outlives 2,048 later starts;
   * undefined while Redis cannot be used.
   */
  nonceTag(): Promise<number | undefined>;
  /** Resolves once Redis is usable, or after `timeoutMs`, whichever is first. */
  ready(timeoutMs: number): Promise<boolean>;
  /** The key prefix of this account, with a Redis Cluster hash tag, so that every key of one account lives on one shard. */
  readonly prefix: string;
  close(): Promise<void>;
}

export interface SharedStoreOptions {
  url: string;
  /** Names the account: upstream and application id. */
  account: string;
  logger: Logger;
  /** Told of every change between usable and not. */
  onChange?: (up: boolean) => void;
  /** Longest a command may take before the replica serves from its own state, in ms. */
  commandTimeoutMs?: number;
}

export function connectSharedStore(options: SharedStoreOptions): SharedStore {
  const redis = new Redis(options.url, {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 250,
    retryStrategy: (times) => Math.min(50 * 2 ** times, 2000),
  });
  let usable = false;
  const set = (up: boolean, error?: unknown) => {
    if (up === usable) return;
    usable = up;
    // Said once per change, never per command: an outage is one warning and one recovery line.
    if (up) options.logger.info('shared store (Redis) reachable: replicas share state again');
    else options.logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'shared store (Redis) unreachable: serving from local state');
    options.onChange?.(up);
  };
  redis.on('ready', () => set(true));
  redis.on('error', (e) => set(false, e));
  redis.on('end', () => set(false, new Error('connection closed')));
  // A command that failed on a connection that stayed open (a timeout, a busy server): try again shortly.
  let probe: NodeJS.Timeout | undefined;
  const reprobe = () => {
    probe ??= setTimeout(() => {
      probe = undefined;
      if (redis.status !== 'ready') return; // 'ready' says when it is back
      redis.ping().then(
        () => set(true),
        () => reprobe(),
      );
    }, 500);
    probe.unref();
  };
  const prefix = `qb:{${options.account}}:`;
  return {
    redis,
    up: () => usable && redis.status === 'ready',
    async nonceTag() {
      if (!usable) return undefined;
      try {
        return ((await redis.incr(`${prefix}nonce-tag`)) - 1) % 2048;
      } catch {
        return undefined;
      }
    },
    ready: (timeoutMs) =>
      usable
        ? Promise.resolve(true)
        : new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(false), timeoutMs);
            redis.once('ready', () => {
              clearTimeout(timer);
              resolve(true);
            });
          }),
    failed(error) {
      set(false, error);
      reprobe();
    },
    prefix,
    async close() {
      if (probe) clearTimeout(probe);
      redis.disconnect();
    },
  };
}
