import type { ApplicationConfig, GatewayConfig, UpstreamConfig } from '../config/gateway-config';
import { flavours } from '../flavours/flavours';
import type { Logger } from '../logging/logger';
import type { ApplicationMetrics, GatewayMetrics } from '../metrics/gateway-metrics';
import { createReadiness, type Readiness } from '../readiness';
import { rememberListingRefusal } from '../services/listing-refusal';
import type { OwnerAction, ServiceDeps } from '../services/service-deps';
import { createReadSharing } from '../services/shared-reads';
import { createUserBatcher } from '../services/user-batcher';
import { shareUserSessions } from '../sessions/shared-user-sessions';
import { createUserSessionCache, type UserSessionCache } from '../sessions/user-session-cache';
import type { SharedStore } from '../store/shared-store';
import { keepApplicationSession } from '../upstream/application-session-keeper';
import { createUpstream, type Upstream } from '../upstream/upstream';

/**
 * One application behind the gateway, built apart from every other: its
 * upstream (application session, rate budget, breaker, nonces, clock), its
 * caches, coalescing and readiness, and its keys in the shared store.
 */
export interface ApplicationStack {
  name: string;
  upstream: Upstream;
  userSessions?: UserSessionCache;
  /** What its services share. */
  deps: ServiceDeps;
  readiness: Readiness;
  /** Keeps its application session warm until the returned function is called. */
  keepWarm(): () => void;
  /** Closes its connection pool; `force`: aborts its requests first. */
  close(force?: boolean): Promise<void>;
}

export interface StackShared {
  config: GatewayConfig;
  metrics: GatewayMetrics;
  logger: Logger;
  /** The Redis connection; each application keeps its keys under its own account there. */
  store?: SharedStore;
  now?: () => number;
}

export async function buildApplication(
  app: ApplicationConfig,
  { config, metrics: all, logger, store: connection, now }: StackShared,
): Promise<ApplicationStack> {
  const metrics = all.forApplication(app.name);
  const readiness = createReadiness();
  const log = logger.child({ application: app.name });
  readiness.onChange((state) => {
    if (state.ready) log.info('ready: the upstream accepted the gateway credentials');
    else log.warn({ reason: state.reason, detail: state.detail }, 'not ready');
  });
  // The account's id names its keys: two names for one account share its budget and sessions, as the upstream does.
  const store = connection?.forAccount(accountOf(app.upstream));
  const nonceTag = await store?.nonceTag();
  const kit = flavours[app.upstream.name];
  const upstream = createUpstream({ config: app.upstream, flavour: kit.flavour, readiness, now, observer: metrics.observer, store, nonceTag });
  const userSessions = config.reuseUserSessions ? reusedUserSessions(config, store, metrics, now) : undefined;
  metrics.trackCacheSize('application', () => (upstream.applicationSession.peek() ? 1 : 0));
  const deps = serviceDeps(config, app, { upstream, userReads: kit.userReads, userSessions }, metrics, log);
  return {
    name: app.name,
    upstream,
    userSessions,
    deps,
    readiness,
    keepWarm: () => keepApplicationSession(upstream.applicationSession, readiness, log),
    close: (force) => upstream.close(force),
  };
}

/** The account an application's keys live under in the shared store: its upstream and application id. */
export function accountOf(upstream: Pick<UpstreamConfig, 'name' | 'applicationId'>): string {
  return `${upstream.name}:${upstream.applicationId}`;
}

/** What the services share: the upstream, the caches, the audit log and, unless turned off, coalescing. */
function serviceDeps(
  config: GatewayConfig,
  app: ApplicationConfig,
  built: Pick<ServiceDeps, 'upstream' | 'userReads' | 'userSessions'>,
  metrics: ApplicationMetrics,
  logger: Logger,
): ServiceDeps {
  const audit = (action: OwnerAction) => logger.info({ audit: 'owner_powers', ...action }, 'owner powers used');
  const listing = rememberListingRefusal(config.listingRecheckMs);
  metrics.trackListingRefused(listing.holds);
  const deps: ServiceDeps = { ...built, audit, listing, lookups: { batch: metrics.lookupBatch } };
  if (app.coalesceWindowMs > 0) {
    deps.batcher = createUserBatcher(deps, app.coalesceWindowMs);
    deps.shareRead = createReadSharing(metrics.sharedRead);
  }
  return deps;
}

/** The user-session reuse cache (QB_REUSE_USER_SESSIONS): shared by the replicas when there is a store. */
function reusedUserSessions(
  config: GatewayConfig,
  store: SharedStore | undefined,
  metrics: ApplicationMetrics,
  now: (() => number) | undefined,
): UserSessionCache {
  const local = createUserSessionCache({
    now,
    observe: metrics.userSessionLookup,
    hash: store?.sealer.hash,
    maxBytes: config.reuseMaxBytes,
    onEvict: metrics.userSessionEvicted,
  });
  const cache = store ? shareUserSessions(local, store, { now, onShared: metrics.userSessionShared }) : local;
  metrics.trackCacheSize(
    'user',
    () => cache.size,
    () => cache.bytes,
  );
  return cache;
}
