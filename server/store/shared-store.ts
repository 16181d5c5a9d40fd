import { once } from 'node:events';
import { Redis } from 'ioredis';
import type { Logger } from '../logging/logger';
import { createSealer, type Sealer } from './sealing';

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
  /** Seals what is stored and hashes what names a key, under the configured secret. */
  readonly sealer: Sealer;
  /**
   * Calls `onMessage` with each message published on `channel` (a second
   * connection, made on first use, carries every subscription; ioredis
   * subscribes again after a reconnect).
   */
  subscribe(channel: string, onMessage: (message: string) => void): void;
  /** A Lua script, run atomically by EVALSHA (loaded on first use), its first `keys` arguments the keys it touches. */
  script<R>(name: string, keys: number, lua: string): (...args: (string | number)[]) => Promise<R>;
  /** The same connection with the keys of another account (one application behind the gateway); closing either closes both. */
  forAccount(account: string): SharedStore;
  close(): Promise<void>;
}

export interface SharedStoreOptions {
  url: string;
  /** Names the account: upstream and application id. */
  account: string;
  /** REDIS_ENCRYPTION_KEY: what the sealer's keys derive from. */
  secret: string;
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
  const subscriptions = createSubscriptions(redis);
  const sealer = createSealer(options.secret);
  const forAccount = (account: string): SharedStore => {
    const prefix = `qb:{${account}}:`;
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
      sealer,
      forAccount,
      subscribe: subscriptions.subscribe,
      script: (name, keys, lua) => defineScript(redis, name, keys, lua),
      async close() {
        if (probe) clearTimeout(probe);
        await Promise.all([closeConnection(redis), subscriptions.close()]);
      },
    };
  };
  return forAccount(options.account);
}

/** One connection, made on first use, that carries every subscription and hands each message to its channel's handler. */
function createSubscriptions(redis: Redis): { subscribe: SharedStore['subscribe']; close(): Promise<void> } {
  let subscriber: Redis | undefined;
  const handlers = new Map<string, (message: string) => void>();
  return {
    subscribe(channel, onMessage) {
      if (!subscriber) {
        // Subscriptions wait for a connection rather than fail: nothing else is sent on this one. No ready
        // check: it only subscribes, and one cut short by close() leaves ioredis a 2 s timer.
        subscriber = redis.duplicate({ enableOfflineQueue: true, enableReadyCheck: false });
        subscriber.on('error', () => {}); // the command connection reports the outage
        subscriber.on('message', (from: string, message: string) => handlers.get(from)?.(message));
      }
      handlers.set(channel, onMessage);
      subscriber.subscribe(channel).catch(() => {});
    },
    close: () => (subscriber ? closeConnection(subscriber) : Promise.resolve()),
  };
}

function defineScript<R>(redis: Redis, name: string, keys: number, lua: string): (...args: (string | number)[]) => Promise<R> {
  redis.defineCommand(name, { numberOfKeys: keys, lua });
  const run = (redis as unknown as Record<string, ((...args: (string | number)[]) => Promise<R>) | undefined>)[name];
  if (!run) throw new Error(`ioredis did not define the script ${name}`);
  return run.bind(redis);
}

/** Resolves once the socket is gone, so that nothing of the store outlives the gateway. */
async function closeConnection(connection: Redis): Promise<void> {
  const ended = once(connection, 'end');
  connection.disconnect();
  // Between two attempts there is no socket: ioredis has ended already, or never says so.
  if (connection.status !== 'end' && connection.status !== 'reconnecting') await ended;
}
