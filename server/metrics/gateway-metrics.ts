import { registry as grpcRegistry } from 'nice-grpc-prometheus';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { CircuitStateName, UpstreamObserver } from '../upstream/upstream-observer';

export interface GatewayMetrics {
  /** The registry `/metrics` serves: the gateway's own metrics, Node's process metrics and nice-grpc's `grpc_server_*`. */
  registry: Registry;
  /** The metrics of one application: each of its series carries its name in the `application` label. */
  forApplication(name: string): ApplicationMetrics;
  /** Counts a call of a gateway method by caller (a name from the caller policy, or `anonymous`), status and application. */
  callerCall(caller: string, method: string, code: string, application: string): void;
  /** Records whether the shared store (Redis) can be used. */
  sharedStoreUp(up: boolean): void;
}

/** What one application reports; `forApplication` labels it. */
export interface ApplicationMetrics {
  /** Feeds the upstream metrics. */
  observer: UpstreamObserver;
  /** Counts user-session cache lookups. */
  userSessionLookup(hit: boolean): void;
  /** Counts a user session taken from another replica through the shared store. */
  userSessionShared(): void;
  /** Records a coalesced lookup request: the distinct ids it asked for and the lookups it served. */
  lookupBatch(ids: number, lookups: number): void;
  /** Records a read that joined an identical one in flight. */
  sharedRead(): void;
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

/** What the scrape-time gauges read, by application. */
interface Scraped {
  cacheSizes: Map<string, Map<string, CacheGauges>>;
  listingRefused: Map<string, () => boolean>;
}

function defineMetrics(own: Registry, scraped: Scraped) {
  const duration = new Histogram({
    name: 'qb_upstream_request_duration_seconds',
    help: 'Time from sending an upstream request to having its whole response.',
    labelNames: ['application', 'method', 'route', 'status_class'],
    buckets: latencyBuckets,
    registers: [own],
  });
  new Counter({
    name: 'qb_upstream_requests_total',
    help: 'Requests sent to the QuickBlox REST API, by method, route template and status class (error: no answer).',
    labelNames: ['application', 'method', 'route', 'status_class'],
    registers: [own],
    // The histogram counts every request already (its _count): read at scrape time, so that a request updates one metric, not two.
    async collect() {
      this.reset();
      for (const sample of (await duration.get()).values) {
        if (sample.metricName === 'qb_upstream_request_duration_seconds_count')
          this.inc(sample.labels as Record<'application' | 'method' | 'route' | 'status_class', string>, sample.value);
      }
    },
  });
  const sessions = new Counter({
    name: 'qb_sessions_created_total',
    help: 'Upstream session creations (POST /session.json), by kind (application, user) and result (success, failure).',
    labelNames: ['application', 'kind', 'result'],
    registers: [own],
  });
  const tokenCache = new Counter({
    name: 'qb_token_cache_events_total',
    help: 'Token cache lookups and renewals, by cache (application, user) and event (hit, miss, renewal; shared: taken from another replica through the shared store).',
    labelNames: ['application', 'cache', 'event'],
    registers: [own],
  });
  defineScrapedGauges(own, scraped);
  const evictions = new Counter({
    name: 'qb_token_cache_evictions_total',
    help: 'Sessions a token cache evicted, least recently used first, to keep within its memory bound (user: QB_REUSE_MAX_BYTES).',
    labelNames: ['application', 'cache'],
    registers: [own],
  });
  const batchIds = new Histogram({
    name: 'qb_coalesced_batch_ids',
    help: 'Distinct user ids each coalesced lookup request asked for (QB_COALESCE_WINDOW_MS).',
    buckets: [1, 2, 5, 10, 25, 50, 100],
    labelNames: ['application'],
    registers: [own],
  });
  const saved = new Counter({
    name: 'qb_upstream_requests_saved_total',
    help: 'Upstream requests coalescing saved: lookups served by a batch beyond the one request it took, and reads that joined an identical one in flight.',
    labelNames: ['application'],
    registers: [own],
  });
  const storeUp = new Gauge({
    name: 'qb_shared_store_up',
    help: 'Whether the shared store (REDIS_URL) can be used: 1 yes; 0 when it cannot (the replica then serves from its own state) or no REDIS_URL is set.',
    registers: [own],
  });
  const replicas = new Gauge({
    name: 'qb_shared_replicas',
    help: 'Replicas sharing the budget through the shared store, as last counted there (each announces itself every 2 s); 0 without REDIS_URL.',
    labelNames: ['application'],
    registers: [own],
  });
  const callerCalls = new Counter({
    name: 'qb_caller_calls_total',
    help: "Calls of the gateway's methods by caller (a name from GATEWAY_POLICY_FILE, or anonymous), method and gRPC status.",
    labelNames: ['application', 'caller', 'method', 'code'],
    registers: [own],
  });
  return { duration, sessions, tokenCache, evictions, callerCalls, batchIds, saved, storeUp, replicas, ...defineResilienceMetrics(own) };
}

/** Gauges read from the gateway's state when scraped. */
function defineScrapedGauges(own: Registry, { cacheSizes, listingRefused }: Scraped): void {
  new Gauge({
    name: 'qb_token_cache_entries',
    help: 'Live entries of each token cache.',
    labelNames: ['application', 'cache'],
    registers: [own],
    collect() {
      for (const [application, caches] of cacheSizes) for (const [cache, { size }] of caches) this.set({ application, cache }, size());
    },
  });
  new Gauge({
    name: 'qb_token_cache_bytes',
    help: 'Estimated memory of the token caches that are bounded by it (user: QB_REUSE_MAX_BYTES).',
    labelNames: ['application', 'cache'],
    registers: [own],
    collect() {
      for (const [application, caches] of cacheSizes) for (const [cache, { bytes }] of caches) if (bytes) this.set({ application, cache }, bytes());
    },
  });
  new Gauge({
    name: 'qb_user_listing_refused',
    help: 'Whether the application refused to list users within QB_LISTING_RECHECK_MS: 1 while lookups go one by one instead of merged, 0 otherwise.',
    labelNames: ['application'],
    registers: [own],
    collect() {
      for (const [application, holds] of listingRefused) this.set({ application }, holds() ? 1 : 0);
    },
  });
}

/** How the gateway shields the upstream and itself: retries, the retry budget, the breaker, the rate limit, the clock. */
function defineResilienceMetrics(own: Registry) {
  const retries = new Counter({
    name: 'qb_upstream_retries_total',
    help: 'Upstream requests sent again: read_retry (no answer or 502/503/504 on a read), resign (Bad timestamp or nonce), session_replay (application session re-created).',
    labelNames: ['application', 'kind'],
    registers: [own],
  });
  const retriesRefused = new Counter({
    name: 'qb_upstream_retries_refused_total',
    help: 'Retries the retry budget did not allow (gRPC A6 throttling: 10 tokens, ratio 0.1), by kind.',
    labelNames: ['application', 'kind'],
    registers: [own],
  });
  const circuit = new Gauge({
    name: 'qb_upstream_circuit_state',
    help: "The upstream circuit breaker's state: 0 closed, 1 half open (one probe), 2 open (calls fail at once).",
    labelNames: ['application'],
    registers: [own],
  });
  const rateLimitWaits = new Histogram({
    name: 'qb_rate_limit_wait_seconds',
    help: 'How long requests waited for the gateway rate limit (QB_RATE_LIMIT), for those that waited.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    labelNames: ['application'],
    registers: [own],
  });
  const rateLimitRejections = new Counter({
    name: 'qb_rate_limit_rejections_total',
    help: 'Requests refused for the rate limit, by source: gateway (QB_RATE_LIMIT, not sent) or upstream (HTTP 429).',
    labelNames: ['application', 'source'],
    registers: [own],
  });
  const clockOffset = new Gauge({
    name: 'qb_upstream_clock_offset_seconds',
    help: "The upstream's clock minus the gateway's, learnt from the Date header.",
    labelNames: ['application'],
    registers: [own],
  });
  return { retries, retriesRefused, circuit, rateLimitWaits, rateLimitRejections, clockOffset };
}

const circuitValues: Record<CircuitStateName, number> = { closed: 0, half_open: 1, open: 2 };

/**
 * The gateway's Prometheus metrics. Label values are bounded by construction:
 * the configured applications, HTTP methods, route templates
 * (`/users/{id}.json`), status classes (`2xx`) and fixed kinds — never a user
 * id, login or token.
 */
export function createGatewayMetrics(): GatewayMetrics {
  const own = new Registry();
  collectDefaultMetrics({ register: own });
  const scraped: Scraped = { cacheSizes: new Map(), listingRefused: new Map() };
  const m = defineMetrics(own, scraped);
  return {
    registry: Registry.merge([own, grpcRegistry]),
    forApplication: (application) => applicationMetrics(application, m, scraped),
    callerCall: (caller, method, code, application) => m.callerCalls.inc({ application, caller, method, code }),
    sharedStoreUp: (up) => m.storeUp.set(up ? 1 : 0),
  };
}

/** One application's side of the metrics: every series labelled with its name, its zero samples written at once. */
function applicationMetrics(application: string, m: ReturnType<typeof defineMetrics>, scraped: Scraped): ApplicationMetrics {
  const { duration, sessions, tokenCache, retries, rateLimitWaits, rateLimitRejections, clockOffset } = m;
  const statusClass = (status: number | 'error') => (status === 'error' ? 'error' : `${Math.floor(status / 100)}xx`);
  const caches = new Map<string, CacheGauges>();
  scraped.cacheSizes.set(application, caches);
  m.evictions.inc({ application, cache: 'user' }, 0);
  m.saved.inc({ application }, 0);
  m.clockOffset.set({ application }, 0);
  m.circuit.set({ application }, 0);
  m.retriesRefused.inc({ application, kind: 'read_retry' }, 0);
  for (const source of ['gateway', 'upstream']) rateLimitRejections.inc({ application, source }, 0);
  for (const kind of ['read_retry', 'resign', 'session_replay']) retries.inc({ application, kind }, 0);
  return {
    observer: {
      request(method, route, status, seconds) {
        duration.observe({ application, method, route, status_class: statusClass(status) }, seconds);
      },
      sessionCreated: (kind, ok) => sessions.inc({ application, kind, result: ok ? 'success' : 'failure' }),
      applicationToken: (event) => tokenCache.inc({ application, cache: 'application', event }),
      retry: (kind) => retries.inc({ application, kind }),
      retryRefused: (kind) => m.retriesRefused.inc({ application, kind }),
      circuitState: (state) => m.circuit.set({ application }, circuitValues[state]),
      rateLimitWait: (seconds) => rateLimitWaits.observe({ application }, seconds),
      rateLimitRejection: (source) => rateLimitRejections.inc({ application, source }),
      clockOffset: (ms) => clockOffset.set({ application }, ms / 1000),
      replicasSeen: (count) => m.replicas.set({ application }, count),
    },
    userSessionLookup: (hit) => tokenCache.inc({ application, cache: 'user', event: hit ? 'hit' : 'miss' }),
    userSessionShared: () => tokenCache.inc({ application, cache: 'user', event: 'shared' }),
    lookupBatch(ids, lookups) {
      m.batchIds.observe({ application }, ids);
      m.saved.inc({ application }, lookups - 1);
    },
    sharedRead: () => m.saved.inc({ application }),
    trackListingRefused: (holds) => void scraped.listingRefused.set(application, holds),
    trackCacheSize: (cache, size, bytes) => void caches.set(cache, { size, bytes }),
    userSessionEvicted: () => m.evictions.inc({ application, cache: 'user' }),
  };
}
