import { randomUUID } from 'node:crypto';
import type { SharedStore } from '../store/shared-store';
import type { LocalRateLimiter, RateDecision, RateLimiter } from './rate-limiter';
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

/**
 * A pool slot's request was answered: its score becomes the answer's time
 * (Redis's clock), when later, as in the local limiter.
 */
const answer = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZADD', KEYS[1], 'XX', 'GT', now, ARGV[1])
`;

/** How often each replica tells the shared window it exists. */
const heartbeatMs = 2000;

export interface SharedBudgetOptions {
  perSecond: number;
  maxWaitMs: number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Told of each count of the replicas sharing the budget. */
  onReplicas?: (count: number) => void;
  /**
   * The part of the budget split among the replicas to spend without asking
   * Redis (each its share, the part over the replicas counted); the rest is
   * the pool in Redis, taken from when a replica's share is spent. Default 0.5.
   */
  ownFraction?: number;
}

/** Makes a replica's own limiter: `perSecond` from `fullAt` on (as if the window had just filled), refusing what would wait longer than `maxWaitMs`. */
export type LocalLimiter = (perSecond: number, fullAt: number) => LocalRateLimiter;

/**
 * The upstream budget shared by every replica: at most `perSecond` requests
 * start in any window across all of them. A request takes a slot of its
 * replica's own share (`ownFraction` of the budget over the replicas counted)
 * when one is free at once, with no round trip; else it reserves the pool's
 * next slot in Redis (the rest of the budget), so that a load well under the
 * limit costs Redis nothing and a queue forms in one place. A share is
 * usable only a heartbeat and a window after it was sized, at start and
 * whenever the count changes (a replica joined or left), and there is none
 * until the replica has counted the others, so that the shares never add up
 * to more than their part. While Redis cannot be used, each
 * replica keeps its share of the budget on its own (`local(share, now)`: the
 * limit over the replicas last seen, after a window as if full), so a call
 * never fails because Redis is down and the replicas together still keep to
 * the plan.
 */
export function sharedRateLimiter(store: SharedStore, options: SharedBudgetOptions, local: LocalLimiter): RateLimiter {
  const call = store.script<[number, number, number]>('qbReserve', 2, reserve);
  const answerCall = store.script<number>('qbAnswered', 1, answer);
  const key = `${store.prefix}budget`;
  const replicasKey = `${store.prefix}replicas`;
  const replica = randomUUID();
  let n = 0;
  let replicas = 1;
  const ownPart = Math.floor(options.perSecond * (options.ownFraction ?? 0.5));
  let share = 0;
  let own: LocalRateLimiter | undefined;
  const counted = (seen: number) => {
    replicas = Math.max(1, seen);
    options.onReplicas?.(replicas);
    const next = Math.floor(ownPart / replicas);
    if (next === share) return;
    share = next;
    // Usable only after a heartbeat's time and a window: by then every replica has counted again (each beats every
    // 2 s), so one that missed a join's notice never spends a share sized for fewer replicas than there are.
    own = share >= 1 ? local(share, Date.now() + heartbeatMs) : undefined;
  };
  // With no share of its own (too many replicas for the part), a replica takes everything from the pool, which is then the whole budget.
  const pool = () => (share >= 1 ? options.perSecond - ownPart : options.perSecond);
  // This replica's own limiter while Redis is down: its share, starting full, since what the others spent in the last window is unknown.
  let fallback: RateLimiter | undefined;
  let recoveredAt = 0;
  const alone = (signal?: AbortSignal) => {
    fallback ??= local(Math.max(1, Math.floor(options.perSecond / replicas)), Date.now());
    recoveredAt = 0;
    return fallback(signal);
  };
  countReplicas(store, replicasKey, replica, counted);
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
    // This replica's own share when a slot is free now, with no round trip; else the pool's next slot, however far.
    if (own && own.waitMs() <= 0) return own(signal);
    let answer: [number, number, number];
    const member = `${replica}:${n++}`;
    try {
      answer = await call(key, replicasKey, pool(), rateWindowMs, options.maxWaitMs, member, replica);
    } catch (e) {
      store.failed(e);
      return alone(signal);
    }
    const [granted, waitMs, seen] = answer;
    counted(seen);
    if (granted < 0) return { refusedForMs: waitMs };
    if (waitMs > 0) await options.sleep(waitMs, signal);
    // Not awaited: the caller's answer does not wait on Redis; a failure only leaves the slot at its start, as before.
    const answered = () => void answerCall(key, member).catch((e: unknown) => store.failed(e));
    return { waitedMs: Math.max(0, waitMs), answered };
  };
}

/**
 * Tells the shared window this replica exists, traffic or not, every 2 s and
 * on (re)connecting, so that its share is known; on connecting it says so on
 * a channel, and the others count again at once rather than at their next beat.
 */
function countReplicas(store: SharedStore, replicasKey: string, replica: string, counted: (seen: number) => void): void {
  const joined = `${replicasKey}:joined`;
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
  const beat = setInterval(() => heartbeat(false), heartbeatMs).unref();
  store.redis.on('ready', () => heartbeat(true));
  store.subscribe(joined, (who) => who !== replica && heartbeat(false));
  heartbeat(true); // the store may be connected already: 'ready' came before this limiter
}
