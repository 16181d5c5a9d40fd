import { registry as grpcRegistry } from 'nice-grpc-prometheus';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { CircuitStateName, UpstreamObserver } from '../upstream/upstream-observer';

export interface GatewayMetrics {
  /** The registry `/metrics` serves: the gateway's own metrics, Node's process metrics and nice-grpc's `grpc_server_*`. */
  registry: Registry;
  /** Feeds the upstream metrics. */
  observer: UpstreamObserver;
  /** Counts user-session cache lookups. */
  userSessionLookup(hit: boolean): void;
  /** Counts a user session taken from another replica through the shared store. */
  userSessionShared(): void;
  /** Counts a call of a gateway method by caller (a name from the caller policy, or `anonymous`) and status. */
  callerCall(caller: string, method: string, code: string): void;
  /** Records a coalesced lookup request: the distinct ids it asked for and the lookups it served. */
  lookupBatch(ids: number, lookups: number): void;
  /** Records a read that joined an identical one in flight. */
  sharedRead(): void;
  /** Records whether the shared store (Redis) can be used. */
  sharedStoreUp(up: boolean): void;
  /** Reports whether lookups go one by one because the application refused to list users, read at scrape time. */
  trackListingRefused(holds: () => boolean): void;
  /** Reports how many entries each token cache holds and, where it bounds them, their estimated bytes, read at scrape time. */
  trackCacheSize(cache: 'application' | 'user', size: () => number, bytes?: () => number): void;
  /** Counts a reused user session evicted to keep within QB_REUSE_MAX_BYTES. */
  userSessionEvicted(): void;
}

const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The gateway's own metrics, registered in `own`, their zero samples written so that dashboards see every series from the start. */
interface CacheGauges {
  size: () => number;
  bytes?: () => number;
}

function defineMetrics(own: Registry, cacheSizes: ReadonlyMap<string, CacheGauges>, listingRefused: { holds: () => boolean }) {
  const duration = new Histogram({
    name: 'qb_upstream_request_duration_seconds',
    help: 'Time from sending an upstream request to having its whole response.',
    labelNames: ['method', 'route', 'status_class'],
    buckets: latencyBuckets,
    registers: [own],
  });
  new Counter({
    name: 'qb_upstream_requests_total',
    help: 'Requests sent to the QuickBlox REST API, by method, route template and status class (error: no answer).',
    labelNames: ['method', 'route', 'status_class'],
    registers: [own],
    // The histogram counts every request already (its _count): read at scrape time, so that a request updates one metric, not two.
    async collect() {
      this.reset();
      for (const sample of (await duration.get()).values) {
        if (sample.metricName === 'qb_upstream_request_duration_seconds_count')
          this.inc(sample.labels as Record<'method' | 'route' | 'status_class', string>, sample.value);
      }
    },
  });
  const sessions = new Counter({
    name: 'qb_sessions_created_total',
    help: 'Upstream session creations (POST /session.json), by kind (application, user) and result (success, failure).',
    labelNames: ['kind', 'result'],
    registers: [own],
  });
  const tokenCache = new Counter({
    name: 'qb_token_cache_events_total',
    help: 'Token cache lookups and renewals, by cache (application, user) and event (hit, miss, renewal; shared: taken from another replica through the shared store).',
    labelNames: ['cache', 'event'],
    registers: [own],
  });
  defineScrapedGauges(own, cacheSizes, listingRefused);
  const evictions = new Counter({
    name: 'qb_token_cache_evictions_total',
    help: 'Sessions a token cache evicted, least recently used first, to keep within its memory bound (user: QB_REUSE_MAX_BYTES).',
    labelNames: ['cache'],
    registers: [own],
  });
  evictions.inc({ cache: 'user' }, 0);
  const batchIds = new Histogram({
    name: 'qb_coalesced_batch_ids',
    help: 'Distinct user ids each coalesced lookup request asked for (QB_COALESCE_WINDOW_MS).',
    buckets: [1, 2, 5, 10, 25, 50, 100],
    registers: [own],
  });
  const saved = new Counter({
    name: 'qb_upstream_requests_saved_total',
    help: 'Upstream requests coalescing saved: lookups served by a batch beyond the one request it took, and reads that joined an identical one in flight.',
    registers: [own],
  });
  saved.inc(0);
  const storeUp = new Gauge({
    name: 'qb_shared_store_up',
    help: 'Whether the shared store (REDIS_URL) can be used: 1 yes; 0 when it cannot (the replica then serves from its own state) or no REDIS_URL is set.',
    registers: [own],
  });
  const replicas = new Gauge({
    name: 'qb_shared_replicas',
    help: 'Replicas sharing the budget through the shared store, as last counted there (each announces itself every 2 s); 0 without REDIS_URL.',
    registers: [own],
  });
  const callerCalls = new Counter({
    name: 'qb_caller_calls_total',
    help: "Calls of the gateway's methods by caller (a name from GATEWAY_POLICY_FILE, or anonymous), method and gRPC status.",
    labelNames: ['caller', 'method', 'code'],
    registers: [own],
  });
  return { duration, sessions, tokenCache, evictions, callerCalls, batchIds, saved, storeUp, replicas, ...defineResilienceMetrics(own) };
}

/** Gauges read from the gateway's state when scraped. */
function defineScrapedGauges(own: Registry, cacheSizes: ReadonlyMap<string, CacheGauges>, listingRefused: { holds: () => boolean }): void {
  new Gauge({
    name: 'qb_token_cache_entries',
    help: 'Live entries of each token cache.',
    labelNames: ['cache'],
    registers: [own],
    collect() {
      for (const [cache, { size }] of cacheSizes) this.set({ cache }, size());
    },
  });
  new Gauge({
    name: 'qb_token_cache_bytes',
    help: 'Estimated memory of the token caches that are bounded by it (user: QB_REUSE_MAX_BYTES).',
    labelNames: ['cache'],
    registers: [own],
    collect() {
      for (const [cache, { bytes }] of cacheSizes) if (bytes) this.set({ cache }, bytes());
    },
  });
  new Gauge({
    name: 'qb_user_listing_refused',
    help: 'Whether the application refused to list users within QB_LISTING_RECHECK_MS: 1 while lookups go one by one instead of merged, 0 otherwise.',
    registers: [own],
    collect() {
      this.set(listingRefused.holds() ? 1 : 0);
    },
  });
}

/** How the gateway shields the upstream and itself: retries, the retry budget, the breaker, the rate limit, the clock. */
function defineResilienceMetrics(own: Registry) {
  const retries = new Counter({
    name: 'qb_upstream_retries_total',
    help: 'Upstream requests sent again: read_retry (no answer or 502/503/504 on a read), resign (Bad timestamp or nonce), session_replay (application session re-created).',
    labelNames: ['kind'],
    registers: [own],
  });
  const retriesRefused = new Counter({
    name: 'qb_upstream_retries_refused_total',
    help: 'Retries the retry budget did not allow (gRPC A6 throttling: 10 tokens, ratio 0.1), by kind.',
    labelNames: ['kind'],
    registers: [own],
  });
  const circuit = new Gauge({
    name: 'qb_upstream_circuit_state',
    help: "The upstream circuit breaker's state: 0 closed, 1 half open (one probe), 2 open (calls fail at once).",
    registers: [own],
  });
  const rateLimitWaits = new Histogram({
    name: 'qb_rate_limit_wait_seconds',
    help: 'How long requests waited for the gateway rate limit (QB_RATE_LIMIT), for those that waited.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [own],
  });
  const rateLimitRejections = new Counter({
    name: 'qb_rate_limit_rejections_total',
    help: 'Requests refused for the rate limit, by source: gateway (QB_RATE_LIMIT, not sent) or upstream (HTTP 429).',
    labelNames: ['source'],
    registers: [own],
  });
  const clockOffset = new Gauge({
    name: 'qb_upstream_clock_offset_seconds',
    help: "The upstream's clock minus the gateway's, learnt from the Date header.",
    registers: [own],
  });
  clockOffset.set(0);
  circuit.set(0);
  retriesRefused.inc({ kind: 'read_retry' }, 0);
  for (const source of ['gateway', 'upstream']) rateLimitRejections.inc({ source }, 0);
  for (const kind of ['read_retry', 'resign', 'session_replay']) retries.inc({ kind }, 0);
  return { retries, retriesRefused, circuit, rateLimitWaits, rateLimitRejections, clockOffset };
}

const circuitValues: Record<CircuitStateName, number> = { closed: 0, half_open: 1, open: 2 };

/**
 * The gateway's Prometheus metrics. Label values are bounded by construction:
 * HTTP methods, route templates (`/users/{id}.json`), status classes (`2xx`)
 * and fixed kinds — never a user id, login or token.
 */
export function createGatewayMetrics(): GatewayMetrics {
  const own = new Registry();
  collectDefaultMetrics({ register: own });
  const cacheSizes = new Map<string, CacheGauges>();
  const listingRefused = { holds: () => false };
  const m = defineMetrics(own, cacheSizes, listingRefused);
  const { duration, sessions, tokenCache, retries, rateLimitWaits, rateLimitRejections, clockOffset, callerCalls } = m;
  const statusClass = (status: number | 'error') => (status === 'error' ? 'error' : `${Math.floor(status / 100)}xx`);
  return {
    registry: Registry.merge([own, grpcRegistry]),
    observer: {
      request(method, route, status, seconds) {
        duration.observe({ method, route, status_class: statusClass(status) }, seconds);
      },
      sessionCreated: (kind, ok) => sessions.inc({ kind, result: ok ? 'success' : 'failure' }),
      applicationToken: (event) => tokenCache.inc({ cache: 'application', event }),
      retry: (kind) => retries.inc({ kind }),
      retryRefused: (kind) => m.retriesRefused.inc({ kind }),
      circuitState: (state) => m.circuit.set(circuitValues[state]),
      rateLimitWait: (seconds) => rateLimitWaits.observe(seconds),
      rateLimitRejection: (source) => rateLimitRejections.inc({ source }),
      clockOffset: (ms) => clockOffset.set(ms / 1000),
      replicasSeen: (count) => m.replicas.set(count),
    },
    userSessionLookup: (hit) => tokenCache.inc({ cache: 'user', event: hit ? 'hit' : 'miss' }),
    userSessionShared: () => tokenCache.inc({ cache: 'user', event: 'shared' }),
    callerCall: (caller, method, code) => callerCalls.inc({ caller, method, code }),
    lookupBatch(ids, lookups) {
      m.batchIds.observe(ids);
      m.saved.inc(lookups - 1);
    },
    sharedRead: () => m.saved.inc(),
    sharedStoreUp: (up) => m.storeUp.set(up ? 1 : 0),
    trackListingRefused(holds) {
      listingRefused.holds = holds;
    },
    trackCacheSize(cache, size, bytes) {
      cacheSizes.set(cache, { size, bytes });
    },
    userSessionEvicted: () => m.evictions.inc({ cache: 'user' }),
  };
}
