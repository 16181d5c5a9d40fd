import { randomUUID } from 'node:crypto';
import type { SharedStore } from '../store/shared-store';
import type { RateDecision, RateLimiter } from './rate-limiter';
import { rateWindowMs } from './rate-limiter';

/**
 * One reservation in the account's budget, atomically: the same sliding
 * window as the local limiter (upstream/rate-limiter.ts), over the starts every
 * replica reserved, kept in a sorted set scored by start time on Redis's own
 * clock. Returns {1, wait, replicas} for a slot `wait` ms from now, {-1,
 * wait, replicas} when the wait would be longer than allowed (nothing is
 * reserved then); `replicas` counts those that reserved in the last 5 s.
 */
const reserve = `
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local maxWait = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local n = redis.call('ZCARD', key)
local start = now
local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
if last[2] then start = math.max(start, tonumber(last[2])) end
if n >= limit then
  local nth = redis.call('ZRANGE', key, n - limit, n - limit, 'WITHSCORES')
  start = math.max(start, tonumber(nth[2]) + window)
end
redis.call('ZADD', KEYS[2], now, ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - 5000)
redis.call('PEXPIRE', KEYS[2], 10000)
local replicas = redis.call('ZCARD', KEYS[2])
local wait = start - now
if wait > maxWait then return {-1, wait, replicas} end
redis.call('ZADD', key, start, ARGV[4])
redis.call('PEXPIRE', key, window + wait + 1000)
return {1, wait, replicas}
`;

export interface SharedBudgetOptions {
  perSecond: number;
  maxWaitMs: number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Told of each count of the replicas sharing the budget. */
  onReplicas?: (count: number) => void;
}

/**
 * The upstream budget shared by every replica: at most `perSecond` requests
 * start in any window across all of them. While Redis cannot be used, each
 * replica keeps its share of the budget on its own (`local(share, now)`: the
 * limit over the replicas last seen, after a window as if full), so a call
 * never fails because Redis is down and the replicas together still keep to
 * the plan.
 */
export function sharedRateLimiter(store: SharedStore, options: SharedBudgetOptions, local: (perSecond: number, fullAt: number) => RateLimiter): RateLimiter {
  const call = store.script<[number, number, number]>('qbReserve', 2, reserve);
  const key = `${store.prefix}budget`;
  const replicasKey = `${store.prefix}replicas`;
  const replica = randomUUID();
  let n = 0;
  let replicas = 1;
  const counted = (seen: number) => {
    replicas = Math.max(1, seen);
    options.onReplicas?.(replicas);
  };
  // This replica's own limiter while Redis is down: its share, starting full, since what the others spent in the last window is unknown.
  let fallback: RateLimiter | undefined;
  let recoveredAt = 0;
  const alone = (signal?: AbortSignal) => {
    fallback ??= local(Math.max(1, Math.floor(options.perSecond / replicas)), Date.now());
    recoveredAt = 0;
    return fallback(signal);
  };
  const joined = `${replicasKey}:joined`;
  // Tells the shared window this replica exists, traffic or not, so that a fallback knows its share; on
  // (re)connecting it says so, and the others count again at once rather than at their next beat.
  const heartbeat = (announce: boolean) => {
    // A closed store (the gateway shut down) ends the heartbeat with it.
    if (store.redis.status === 'end') return clearInterval(beat);
    if (!store.up()) return;
    const now = Date.now();
    const step = store.redis
      .multi()
      .zadd(replicasKey, now, replica)
      .zremrangebyscore(replicasKey, '-inf', now - 5000)
      .pexpire(replicasKey, 10_000)
      .zcard(replicasKey);
    (announce ? step.publish(joined, replica) : step)
      .exec()
      .then((results) => {
        const seen = Number(results?.[3]?.[1]);
        if (seen > 0) counted(seen);
      })
      .catch(() => undefined);
  };
  const beat = setInterval(() => heartbeat(false), 2000).unref();
  store.redis.on('ready', () => heartbeat(true));
  store.subscribe(joined, (who) => who !== replica && heartbeat(false));
  heartbeat(true); // the store may be connected already: 'ready' came before this limiter
  return async (signal): Promise<RateDecision> => {
    if (!store.up()) return alone(signal);
    if (fallback) {
      // For a window after Redis is back, the shared window lacks what the replicas sent on their own: keep to the share too.
      recoveredAt ||= Date.now();
      if (Date.now() - recoveredAt < rateWindowMs) {
        const own = await fallback(signal);
        if ('refusedForMs' in own) return own;
      } else fallback = undefined;
    }
    let answer: [number, number, number];
    try {
      answer = await call(key, replicasKey, options.perSecond, rateWindowMs, options.maxWaitMs, `${replica}:${n++}`, replica);
    } catch (e) {
      store.failed(e);
      return alone(signal);
    }
    const [granted, waitMs, seen] = answer;
    counted(seen);
    if (granted < 0) return { refusedForMs: waitMs };
    if (waitMs > 0) await options.sleep(waitMs, signal);
    return { waitedMs: Math.max(0, waitMs) };
  };
}
